/**
 * The events this subgraph publishes. Each is written to outbox_event in the same transaction as
 * the state change it reports, so consumers learn about every committed change exactly when it
 * commits (and never about one that rolled back). Payloads carry everything a consumer needs, so
 * delivering one never has to call back into this subgraph.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Booking, CancellationReason } from '../entities/booking.entity';
import { OutboxEvent } from '../entities/outbox-event.entity';

export const BOOKING_CREATED = 'booking.created';
export const BOOKING_CANCELLED = 'booking.cancelled';
/** A payment whose outcome is unknown (timeout) may have been taken: it must be refunded. */
export const BOOKING_PAYMENT_FAILED = 'booking.payment_failed';

/** Who and what the booking is about, as known when it was made. */
export interface BookingParties {
  userEmail: string | null;
  userName: string | null;
  workspaceName: string | null;
  /** IANA zone the notification shows local times in. */
  workspaceTimezone: string | null;
}

export interface BookingCreatedPayload extends BookingParties {
  bookingId: string;
  userId: string;
  workspaceId: string;
  startsAt: string;
  endsAt: string;
  attendees: number;
  amount: number;
  currency: string;
  occurredAt: string;
}

export interface BookingCancelledPayload extends BookingCreatedPayload {
  reason: CancellationReason;
}

export interface BookingPaymentFailedPayload {
  bookingId: string;
  userId: string;
  occurredAt: string;
}

export function bookingPayload(booking: Booking, parties: BookingParties, occurredAt: Date): BookingCreatedPayload {
  return {
    bookingId: booking.id,
    userId: booking.userId,
    userEmail: parties.userEmail,
    userName: parties.userName,
    workspaceId: booking.workspaceId,
    workspaceName: parties.workspaceName,
    workspaceTimezone: parties.workspaceTimezone,
    startsAt: booking.startsAt.toISOString(),
    endsAt: booking.endsAt.toISOString(),
    attendees: booking.attendees,
    amount: booking.priceAmount,
    currency: booking.priceCurrency,
    occurredAt: occurredAt.toISOString(),
  };
}

/** Adds an event to the caller's transaction; it is flushed and committed with it. */
export function enqueue(em: EntityManager, type: string, payload: object, options: { notBefore?: Date } = {}): OutboxEvent {
  return em.create(OutboxEvent, {
    type,
    payload: payload as Record<string, unknown>,
    nextAttemptAt: options.notBefore ?? new Date(),
  });
}

/** The parties of a booking from its booking.created event (what the user was told when booking). */
export async function partiesFromCreatedEvent(em: EntityManager, bookingId: string): Promise<BookingParties | null> {
  const rows = await em
    .getConnection()
    .execute<{ payload: BookingCreatedPayload }[]>(
      `select payload from outbox_event where type = ? and payload ->> 'bookingId' = ? limit 1`,
      [BOOKING_CREATED, bookingId],
    );
  const payload = rows[0]?.payload;
  if (!payload) return null;
  const { userEmail, userName, workspaceName, workspaceTimezone } = payload;
  return { userEmail, userName, workspaceName, workspaceTimezone };
}
