import type { AdminAuditEntryResolvers } from '../__generated__/resolvers-types';

export const AdminAuditEntry: AdminAuditEntryResolvers = {
  // The entry is written when the action happens, so its record time is the action's time.
  at: (entry) => entry.createdAt,
};
