import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

export type BookingStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

/** Why a booking was cancelled (stored for support and reporting, not shown to clients). */
export type CancellationReason = 'PAYMENT_FAILED' | 'PAYMENT_TIMEOUT' | 'CANCELLED_BY_USER' | 'CANCELLED_BY_ADMIN';

export class Booking {
  [OptionalProps]?: 'id' | 'status' | 'attendees' | 'createdAt' | 'updatedAt';
  id: string = randomUUID();
  userId!: string;
  workspaceId!: string;
  startsAt!: Date;
  endsAt!: Date;
  attendees = 1;
  status: BookingStatus = 'PENDING';
  /** Minor units (cents) of priceCurrency. */
  priceAmount!: number;
  priceCurrency!: string;
  /** The client's key: the same key from the same user returns this booking. */
  idempotencyKey?: string | null;
  /** sha256 of the request the key was first used with, to refuse a different request under it. */
  requestHash?: string | null;
  cancelledAt?: Date | null;
  cancellationReason?: CancellationReason | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const BookingSchema = new EntitySchema<Booking>({
  class: Booking,
  tableName: 'booking',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    workspaceId: { type: 'uuid' },
    startsAt: { type: 'datetime', length: 3 },
    endsAt: { type: 'datetime', length: 3 },
    attendees: { type: 'integer' },
    status: { type: 'string', length: 10 },
    priceAmount: { type: 'integer' },
    priceCurrency: { type: 'string', columnType: 'char(3)' },
    idempotencyKey: { type: 'string', length: 200, nullable: true },
    requestHash: { type: 'string', columnType: 'char(64)', nullable: true },
    cancelledAt: { type: 'datetime', length: 3, nullable: true },
    cancellationReason: { type: 'string', length: 40, nullable: true },
    createdAt: { type: 'datetime', length: 3 },
    updatedAt: { type: 'datetime', length: 3, onUpdate: () => new Date() },
  },
});
