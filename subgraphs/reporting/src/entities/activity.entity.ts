import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

export const ACTIVITY_KINDS = ['BOOKING_CREATED', 'BOOKING_CANCELLED'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** One booking event as the booking subgraph reported it; (kind, bookingId) is unique. */
export class Activity {
  [OptionalProps]?: 'id' | 'createdAt';
  id: string = randomUUID();
  kind!: ActivityKind;
  bookingId!: string;
  userId!: string;
  workspaceId!: string;
  startsAt!: Date;
  endsAt!: Date;
  /** The booking's price in minor units (cents) of `currency`. */
  amount!: number;
  currency!: string;
  /** When the event happened (reports filter on this). */
  at!: Date;
  /** When it was recorded (pagination orders by this). */
  createdAt: Date = new Date();
}

export const ActivitySchema = new EntitySchema<Activity>({
  class: Activity,
  tableName: 'activity',
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { type: 'string', length: 30 },
    bookingId: { type: 'uuid' },
    userId: { type: 'uuid' },
    workspaceId: { type: 'uuid' },
    startsAt: { type: 'datetime', length: 3 },
    endsAt: { type: 'datetime', length: 3 },
    amount: { type: 'integer' },
    currency: { type: 'string', length: 3 },
    at: { type: 'datetime', length: 3 },
    createdAt: { type: 'datetime', length: 3 },
  },
  uniques: [{ name: 'activity_kind_booking_id_key', properties: ['kind', 'bookingId'] }],
});
