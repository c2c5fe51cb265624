import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { newId, now } from '@wsb/kernel';

export const ACTION_MAX = 100;
export const TARGET_MAX = 300;

/**
 * One admin action recorded by the subgraph that performed it. Append-only.
 * Each column is declared here once; the migrations create them, and test/schema-drift.test.ts keeps the two equal.
 */
export const AdminAuditEntry = defineEntity({
  name: 'AdminAuditEntry',
  tableName: 'admin_audit_entry',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    actorId: p.uuid(),
    action: p.string().length(ACTION_MAX),
    /** What the action was applied to, e.g. Workspace:<id>. */
    target: p.string().length(TARGET_MAX),
    /** When it was recorded; exposed as `at` and used for pagination. */
    createdAt: p.datetime(3).onCreate(now),
  }),
  indexes: [
    { name: 'admin_audit_entry_created_at_idx', expression: 'create index admin_audit_entry_created_at_idx on admin_audit_entry (created_at desc, id desc)' },
  ],
  checks: [
    { name: 'admin_audit_entry_action_check', expression: 'length(action) > 0' },
    { name: 'admin_audit_entry_target_check', expression: 'length(target) > 0' },
  ],
});
export type AdminAuditEntry = InferEntity<typeof AdminAuditEntry>;
