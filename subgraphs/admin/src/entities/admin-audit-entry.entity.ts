import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

export const ACTION_MAX = 100;
export const TARGET_MAX = 300;

/** One admin action recorded by the subgraph that performed it. Append-only. */
export class AdminAuditEntry {
  [OptionalProps]?: 'id' | 'createdAt';
  id: string = randomUUID();
  actorId!: string;
  action!: string;
  /** What the action was applied to, e.g. Workspace:<id>. */
  target!: string;
  /** When it was recorded; exposed as `at` and used for pagination. */
  createdAt: Date = new Date();
}

export const AdminAuditEntrySchema = new EntitySchema<AdminAuditEntry>({
  class: AdminAuditEntry,
  tableName: 'admin_audit_entry',
  properties: {
    id: { type: 'uuid', primary: true },
    actorId: { type: 'uuid' },
    action: { type: 'string', length: ACTION_MAX },
    target: { type: 'string', length: TARGET_MAX },
    createdAt: { type: 'datetime', length: 3 },
  },
});
