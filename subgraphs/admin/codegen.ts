import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, {
  AdminAuditEntry: '../entities/admin-audit-entry.entity#AdminAuditEntry as AdminAuditEntryEntity',
  AdminDashboard: '../dashboard#DashboardRoot',
});
