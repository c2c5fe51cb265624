import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

export type WorkspaceKind = 'DESK' | 'MEETING_ROOM' | 'PRIVATE_OFFICE';

export class Workspace {
  [OptionalProps]?: 'id' | 'active' | 'createdAt' | 'updatedAt';
  id: string = randomUUID();
  name!: string;
  description?: string | null;
  kind!: WorkspaceKind;
  capacity!: number;
  /** Minor units (cents) per hour. */
  hourlyRateAmount!: number;
  hourlyRateCurrency!: string;
  timezone!: string;
  active = true;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const WorkspaceSchema = new EntitySchema<Workspace>({
  class: Workspace,
  tableName: 'workspace',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 200 },
    description: { type: 'text', nullable: true },
    kind: { type: 'string', length: 20 },
    capacity: { type: 'integer' },
    hourlyRateAmount: { type: 'integer' },
    hourlyRateCurrency: { type: 'string', length: 3 },
    timezone: { type: 'string', length: 64 },
    active: { type: 'boolean' },
    createdAt: { type: 'datetime', length: 3 },
    updatedAt: { type: 'datetime', length: 3, onUpdate: () => new Date() },
  },
});
