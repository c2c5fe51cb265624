import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { newId, now } from '@wsb/kernel';

const WORKSPACE_KINDS = ['DESK', 'MEETING_ROOM', 'PRIVATE_OFFICE'] as const;

/** Each column is declared here once; the migrations create them, and test/schema-drift.test.ts keeps the two equal. */
export const Workspace = defineEntity({
  name: 'Workspace',
  tableName: 'workspace',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    name: p.string().length(200),
    description: p.text().nullable(),
    kind: p.enum([...WORKSPACE_KINDS]).columnType('varchar(20)'),
    capacity: p.integer(),
    /** Minor units (cents) per hour. */
    hourlyRateAmount: p.integer(),
    hourlyRateCurrency: p.string().columnType('char(3)'),
    timezone: p.string().length(64),
    active: p
      .boolean()
      .default(true)
      .onCreate(() => true),
    createdAt: p.datetime(3).onCreate(now),
    updatedAt: p.datetime(3).onCreate(now).onUpdate(now),
  }),
  indexes: [{ name: 'workspace_created_at_idx', expression: 'create index workspace_created_at_idx on workspace (created_at desc, id desc)' }],
  checks: [
    { name: 'workspace_capacity_check', expression: 'capacity >= 1 and capacity <= 10000' },
    { name: 'workspace_hourly_rate_amount_check', expression: 'hourly_rate_amount >= 0' },
  ],
});
export type Workspace = InferEntity<typeof Workspace>;
