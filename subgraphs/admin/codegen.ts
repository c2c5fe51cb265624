import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen({
  AdminAuditEntry: '../entities/admin-audit-entry.entity#AdminAuditEntry as AdminAuditEntryEntity',
  AdminDashboard: '../dashboard#DashboardRoot',
});
