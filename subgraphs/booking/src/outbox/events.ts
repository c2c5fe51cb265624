/**
 * The events this subgraph publishes. Each is written to outbox_event in the same transaction as
 * the state change it reports, so consumers learn about every committed change exactly when it
 * commits (and never about one that rolled back). The event types and payloads are the contract
 * in packages/booking-events, shared with the consumers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BOOKING_CREATED, type BookingCreatedPayload, type BookingParties } from '@wsb/booking-events';
import { currentTraceCarrier } from '@wsb/kernel';
import type { Booking } from '../entities/booking.entity';
import { OutboxEvent } from '../entities/outbox-event.entity';

export {
  BOOKING_CANCELLED,
  BOOKING_CREATED,
  BOOKING_PAYMENT_FAILED,
  type BookingCancelledPayload,
  type BookingCreatedPayload,
  type BookingParties,
  type BookingPaymentFailedPayload,
} from '@wsb/booking-events';

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

/** Adds an event to the caller's transaction; it is flushed and committed with it, with the caller's trace context. */
export function enqueue(em: EntityManager, type: string, payload: object, options: { notBefore?: Date } = {}): OutboxEvent {
  return em.create(OutboxEvent, {
    type,
    payload: payload as Record<string, unknown>,
    nextAttemptAt: options.notBefore ?? new Date(),
    traceContext: currentTraceCarrier(),
  });
}

/** The parties of a booking from its booking.created event (what the user was told when booking). */
export async function partiesFromCreatedEvent(em: EntityManager, bookingId: string): Promise<BookingParties | null> {
  const rows = await em
    .getConnection()
    .execute<{ payload: BookingCreatedPayload }[]>(`select payload from outbox_event where type = ? and payload ->> 'bookingId' = ? limit 1`, [
      BOOKING_CREATED,
      bookingId,
    ]);
  const payload = rows[0]?.payload;
  if (!payload) return null;
  const { userEmail, userName, workspaceName, workspaceTimezone } = payload;
  return { userEmail, userName, workspaceName, workspaceTimezone };
}
