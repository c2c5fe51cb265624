import type { MutationResolvers } from '../__generated__/resolvers-types';
import { AdminAuditEntry } from '../entities/admin-audit-entry.entity';
import { validAudit } from '../validation';

export const Mutation: MutationResolvers = {
  async _recordAudit(_parent, { input }, { em }) {
    const entry = em.create(AdminAuditEntry, validAudit(input));
    await em.flush();
    return entry;
  },
};
