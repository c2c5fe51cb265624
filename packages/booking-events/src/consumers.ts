/**
 * What each consumer makes of a booking event: the notification to send and the activity to
 * record. One place, used by the direct (broker-less) delivery and by the RabbitMQ consumers
 * alike, so both modes have the same effects. Both are idempotent on the consumer's side
 * (dedupeKey; (kind, bookingId)), which makes at-least-once delivery safe.
 */
import { BOOKING_CANCELLED, BOOKING_CREATED, type BookingCancelledPayload, type BookingCreatedPayload } from './events';
import { bookingCancelledMessage, bookingConfirmedMessage } from './messages';

type NotificationKind = 'BOOKING_CONFIRMED' | 'BOOKING_CANCELLED';
type ActivityKind = 'BOOKING_CREATED' | 'BOOKING_CANCELLED';

export interface BookingNotification {
  userId: string;
  recipient: string;
  channel: 'EMAIL';
  kind: NotificationKind;
  subject: string;
  body: string;
  dedupeKey: string;
}

export interface BookingActivity {
  kind: ActivityKind;
  bookingId: string;
  userId: string;
  workspaceId: string;
  startsAt: string;
  endsAt: string;
  amount: { amount: number; currency: string };
  at: string;
}

/** The email an event sends; null for events that send none, or when there is no address to write to. */
export function notificationFor(type: string, payload: unknown): BookingNotification | null {
  const p = payload as BookingCreatedPayload;
  if (!p?.userEmail) return null;
  const base = { userId: p.userId, recipient: p.userEmail, channel: 'EMAIL' as const };
  switch (type) {
    case BOOKING_CREATED:
      return { ...base, kind: 'BOOKING_CONFIRMED', ...bookingConfirmedMessage(p), dedupeKey: `BOOKING_CONFIRMED:${p.bookingId}` };
    case BOOKING_CANCELLED:
      return {
        ...base,
        kind: 'BOOKING_CANCELLED',
        ...bookingCancelledMessage(p as BookingCancelledPayload),
        dedupeKey: `BOOKING_CANCELLED:${p.bookingId}`,
      };
    default:
      return null;
  }
}

/** The activity-log entry an event records; null for events the log does not keep. */
export function activityFor(type: string, payload: unknown): BookingActivity | null {
  const kind: ActivityKind | null = type === BOOKING_CREATED ? 'BOOKING_CREATED' : type === BOOKING_CANCELLED ? 'BOOKING_CANCELLED' : null;
  if (!kind) return null;
  const p = payload as BookingCreatedPayload;
  return {
    kind,
    bookingId: p.bookingId,
    userId: p.userId,
    workspaceId: p.workspaceId,
    startsAt: p.startsAt,
    endsAt: p.endsAt,
    amount: { amount: p.amount, currency: p.currency },
    at: p.occurredAt,
  };
}
