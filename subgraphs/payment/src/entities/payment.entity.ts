import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { newId, now } from '@wsb/kernel';

const PAYMENT_STATUSES = ['PENDING', 'CAPTURED', 'FAILED', 'REFUNDED'] as const;

/**
 * The charge for one booking; booking_id is unique, so a booking is never charged twice.
 * Each column is declared here once; the migrations create them, and test/schema-drift.test.ts keeps the two equal.
 */
export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payment',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    bookingId: p.uuid().unique('payment_booking_id_unique'),
    /** The booking's owner, copied here so the permission rule needs no call to the booking subgraph. */
    userId: p.uuid().index('payment_user_id_idx'),
    /** Minor units (cents). */
    amount: p.integer(),
    currency: p.string().columnType('char(3)'),
    status: p
      .enum([...PAYMENT_STATUSES])
      .columnType('varchar(10)')
      .onCreate(() => 'PENDING' as const),
    /** The processor's id of the charge; set once captured. */
    providerRef: p.string().length(200).nullable(),
    createdAt: p.datetime(3).onCreate(now),
    capturedAt: p.datetime(3).nullable(),
    refundedAt: p.datetime(3).nullable(),
  }),
  indexes: [
    // _revenueSince sums captured payments from a point in time.
    { name: 'payment_captured_created_at_idx', expression: `create index payment_captured_created_at_idx on payment (created_at) where status = 'CAPTURED'` },
  ],
  checks: [
    { name: 'payment_amount_check', expression: 'amount >= 0' },
    { name: 'payment_currency_check', expression: `currency ~ '^[A-Z]{3}$'` },
    // status not in ('CAPTURED', 'REFUNDED') or captured_at is not null, as PostgreSQL spells it back (so the drift check compares equal)
    {
      name: 'payment_captured_check',
      expression: `(status)::text <> ALL ((ARRAY['CAPTURED'::character varying, 'REFUNDED'::character varying])::text[]) OR (captured_at IS NOT NULL)`,
    },
    { name: 'payment_refunded_check', expression: `(status = 'REFUNDED') = (refunded_at is not null)` },
  ],
});
export type Payment = InferEntity<typeof Payment>;

/** A Booking as this subgraph knows it: only its key. */
export interface BookingRef {
  __typename?: 'Booking';
  id: string;
}
