import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import type { CancellationReason } from '@wsb/booking-events';
import { newId, now } from '@wsb/kernel';

const BOOKING_STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export type { CancellationReason } from '@wsb/booking-events';

/**
 * Each column is declared here once; the migrations create them (with what the ORM can't express:
 * the exclusion constraint that forbids overlaps), and test/schema-drift.test.ts keeps the two equal.
 */
export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'booking',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    userId: p.uuid(),
    workspaceId: p.uuid(),
    startsAt: p.datetime(3),
    endsAt: p.datetime(3),
    attendees: p.integer().onCreate(() => 1),
    status: p
      .enum([...BOOKING_STATUSES])
      .columnType('varchar(10)')
      .onCreate(() => 'PENDING' as const),
    /** Minor units (cents) of priceCurrency. */
    priceAmount: p.integer(),
    priceCurrency: p.string().columnType('char(3)'),
    /** The client's key: the same key from the same user returns this booking. */
    idempotencyKey: p.string().length(200).nullable(),
    /** sha256 of the request the key was first used with, to refuse a different request under it. */
    requestHash: p.string().columnType('char(64)').nullable(),
    cancelledAt: p.datetime(3).nullable(),
    /** Why it was cancelled (stored for support and reporting, not shown to clients). */
    cancellationReason: p.string().length(40).$type<CancellationReason>().nullable(),
    createdAt: p.datetime(3).onCreate(now),
    updatedAt: p.datetime(3).onCreate(now).onUpdate(now),
  }),
  uniques: [{ name: 'booking_user_idempotency_key_unique', properties: ['userId', 'idempotencyKey'] }],
  indexes: [
    { name: 'booking_user_created_at_idx', expression: 'create index booking_user_created_at_idx on booking (user_id, created_at desc, id desc)' },
    { name: 'booking_confirmed_ends_at_idx', expression: `create index booking_confirmed_ends_at_idx on booking (ends_at) where status = 'CONFIRMED'` },
    { name: 'booking_pending_created_at_idx', expression: `create index booking_pending_created_at_idx on booking (created_at) where status = 'PENDING'` },
  ],
  checks: [
    { name: 'booking_attendees_check', expression: 'attendees >= 1' },
    { name: 'booking_price_amount_check', expression: 'price_amount >= 0' },
    { name: 'booking_starts_before_ends', expression: 'starts_at < ends_at' },
    { name: 'booking_cancelled_at_iff_cancelled', expression: `(status = 'CANCELLED') = (cancelled_at is not null)` },
  ],
});
export type Booking = InferEntity<typeof Booking>;
