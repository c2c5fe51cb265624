import { paginate } from '@wsb/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { dashboardRoot } from '../dashboard';
import { AdminAuditEntry } from '../entities/admin-audit-entry.entity';

export const Query: QueryResolvers = {
  adminDashboard: () => dashboardRoot(),

  async adminAuditLog(_parent, { first, after }, { em }) {
    return paginate(em, AdminAuditEntry, {}, { first, after });
  },
};
