import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { newId, now } from '@wsb/kernel';

export const ACTIVITY_KINDS = ['BOOKING_CREATED', 'BOOKING_CANCELLED'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/**
 * One booking event as the booking subgraph reported it; (kind, bookingId) is unique.
 * Each column is declared here once; the migrations create them, and test/schema-drift.test.ts keeps the two equal.
 */
export const Activity = defineEntity({
  name: 'Activity',
  tableName: 'activity',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    kind: p.enum([...ACTIVITY_KINDS]).columnType('varchar(30)'),
    bookingId: p.uuid().index('activity_booking_id_idx'),
    userId: p.uuid(),
    workspaceId: p.uuid(),
    startsAt: p.datetime(3),
    endsAt: p.datetime(3),
    /** The booking's price in minor units (cents) of `currency`. */
    amount: p.integer(),
    currency: p.string().columnType('char(3)'),
    /** When the event happened (reports filter on this). */
    at: p.datetime(3).index('activity_at_idx'),
    /** When it was recorded (pagination orders by this). */
    createdAt: p.datetime(3).onCreate(now),
  }),
  // A redelivered event hits this and is ignored, so each event is recorded once.
  uniques: [{ name: 'activity_kind_booking_id_key', properties: ['kind', 'bookingId'] }],
  indexes: [
    { name: 'activity_created_at_idx', expression: 'create index activity_created_at_idx on activity (created_at desc, id desc)' },
    // Reports look for bookings overlapping a range.
    { name: 'activity_period_idx', expression: `create index activity_period_idx on activity (starts_at, ends_at) where kind = 'BOOKING_CREATED'` },
  ],
  checks: [
    { name: 'activity_amount_check', expression: 'amount >= 0' },
    { name: 'activity_check', expression: 'starts_at < ends_at' },
  ],
});
export type Activity = InferEntity<typeof Activity>;
