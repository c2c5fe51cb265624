import { allow, isAdmin, isInternalService, type IRules } from '@wsb/kernel';

/**
 * Both root queries are admin-only; the types below them are reachable only through those (none
 * is a resolvable entity, so `_entities` cannot reach them) and allow. Activity is a bare
 * reference the gateway resolves in the reporting subgraph, which guards it there.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
    adminDashboard: isAdmin,
    adminAuditLog: isAdmin,
  },
  Mutation: {
    // The user and workspace subgraphs record their admin mutations (kernel recordAdminAudit).
    _recordAudit: isInternalService,
  },
  _Service: allow,
  AdminDashboard: allow,
  ServiceHealth: allow,
  AdminAuditEntry: allow,
  AdminAuditEntryEdge: allow,
  AdminAuditEntryConnection: allow,
  PageInfo: allow,
  Money: allow,
  Activity: allow,
};
