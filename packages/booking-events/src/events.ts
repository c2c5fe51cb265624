/**
 * The events the booking subgraph publishes, as every consumer sees them: the routing key is the
 * event type, the message id is the outbox event's id, the body is the payload below. Payloads
 * carry everything a consumer needs, so handling one never calls back into booking.
 */
import type { QueueSpec } from '@wsb/kernel';

export const BOOKING_CREATED = 'booking.created';
export const BOOKING_CANCELLED = 'booking.cancelled';
/** A payment whose outcome is unknown (timeout) may have been taken: it must be refunded. */
export const BOOKING_PAYMENT_FAILED = 'booking.payment_failed';

/** Why a booking was cancelled: stored with the booking (for support and reporting) and carried in booking.cancelled. */
export type CancellationReason = 'PAYMENT_FAILED' | 'PAYMENT_TIMEOUT' | 'CANCELLED_BY_USER' | 'CANCELLED_BY_ADMIN';

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

/** The durable topic exchange booking events are published to (when AMQP_URL is set). */
export const BOOKING_EVENTS_EXCHANGE = 'booking.events';

/**
 * Each consumer's own durable queue. Declared by the consumers and by booking too, so an event
 * published before a consumer ever started still waits in its queue.
 */
export const BOOKING_EVENT_QUEUES = {
  notification: {
    queue: 'notification.booking-events',
    exchange: BOOKING_EVENTS_EXCHANGE,
    routingKeys: [BOOKING_CREATED, BOOKING_CANCELLED],
  },
  reporting: {
    queue: 'reporting.booking-events',
    exchange: BOOKING_EVENTS_EXCHANGE,
    routingKeys: [BOOKING_CREATED, BOOKING_CANCELLED],
  },
} satisfies Record<string, QueueSpec>;
