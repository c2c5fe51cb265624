import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

export type PaymentStatus = 'PENDING' | 'CAPTURED' | 'FAILED' | 'REFUNDED';

/** The charge for one booking; booking_id is unique, so a booking is never charged twice. */
export class Payment {
  [OptionalProps]?: 'id' | 'status' | 'providerRef' | 'createdAt' | 'capturedAt' | 'refundedAt';
  id: string = randomUUID();
  bookingId!: string;
  /** The booking's owner, copied here so the permission rule needs no call to the booking subgraph. */
  userId!: string;
  /** Minor units (cents). */
  amount!: number;
  currency!: string;
  status: PaymentStatus = 'PENDING';
  /** The processor's id of the charge; set once captured. */
  providerRef?: string | null;
  createdAt: Date = new Date();
  capturedAt?: Date | null;
  refundedAt?: Date | null;
}

/** A Booking as this subgraph knows it: only its key. */
export interface BookingRef {
  __typename?: 'Booking';
  id: string;
}

export const PaymentSchema = new EntitySchema<Payment>({
  class: Payment,
  tableName: 'payment',
  properties: {
    id: { type: 'uuid', primary: true },
    bookingId: { type: 'uuid', unique: true },
    userId: { type: 'uuid' },
    amount: { type: 'integer' },
    currency: { type: 'string', length: 3 },
    status: { type: 'string', length: 10 },
    providerRef: { type: 'string', length: 200, nullable: true },
    createdAt: { type: 'datetime', length: 3 },
    capturedAt: { type: 'datetime', length: 3, nullable: true },
    refundedAt: { type: 'datetime', length: 3, nullable: true },
  },
});
