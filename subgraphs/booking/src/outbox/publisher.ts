/**
 * Where the relay hands events. `DirectPublisher` is the mode without a broker: it calls the
 * consumers itself. A RabbitMQ publisher will implement the same interface (publish to an
 * exchange, routing key = event type) and the relay will not change.
 */
import type { Logger, ServiceClient } from '@wsb/kernel';
import { refundPayment } from '../dependencies';
import { completeParties, recordBookingActivity, sendBookingEmail, type NotificationKind } from './consumers';
import {
  BOOKING_CANCELLED,
  BOOKING_CREATED,
  BOOKING_PAYMENT_FAILED,
  type BookingCancelledPayload,
  type BookingCreatedPayload,
  type BookingPaymentFailedPayload,
} from './events';
import { bookingCancelledMessage, bookingConfirmedMessage, type Message } from './messages';

export interface PublishableEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
}

export interface EventPublisher {
  /** Resolves once the event is handed over for good; rejects to have the relay retry it later. */
  publish(event: PublishableEvent): Promise<void>;
}

export class DirectPublisher implements EventPublisher {
  constructor(
    private readonly services: ServiceClient,
    private readonly log: Logger,
  ) {}

  async publish(event: PublishableEvent): Promise<void> {
    const deliveries = this.deliveriesFor(event);
    // Every consumer is tried even when another fails; a retry repeats all of them, which their
    // idempotency makes harmless.
    const results = await Promise.allSettled(deliveries.map((deliver) => deliver()));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error)?.message ?? String(r.reason)] : []));
    if (failures.length) throw new Error(failures.join('; '));
  }

  private async email<P extends BookingCreatedPayload>(kind: NotificationKind, payload: P, message: (p: P) => Message): Promise<void> {
    const complete = await completeParties(this.services, payload);
    if (!complete) {
      this.log.warn('booking notice skipped: the user no longer exists', { kind, bookingId: payload.bookingId });
      return;
    }
    await sendBookingEmail(this.services, kind, complete, message(complete));
  }

  /** A refund of a charge still in progress would refund nothing: try again once it has settled. */
  private async refundUnconfirmed(bookingId: string): Promise<void> {
    const payment = await refundPayment({ services: this.services, log: this.log }, bookingId);
    if (payment?.status === 'PENDING') throw new Error(`payment ${payment.id} is still being charged; refund retried later`);
  }

  private deliveriesFor(event: PublishableEvent): (() => Promise<unknown>)[] {
    switch (event.type) {
      case BOOKING_CREATED: {
        const p = event.payload as unknown as BookingCreatedPayload;
        return [
          () => this.email('BOOKING_CONFIRMED', p, bookingConfirmedMessage),
          () => recordBookingActivity(this.services, 'BOOKING_CREATED', p),
        ];
      }
      case BOOKING_CANCELLED: {
        const p = event.payload as unknown as BookingCancelledPayload;
        return [
          () => this.email('BOOKING_CANCELLED', p, bookingCancelledMessage),
          () => recordBookingActivity(this.services, 'BOOKING_CANCELLED', p),
        ];
      }
      case BOOKING_PAYMENT_FAILED: {
        const p = event.payload as unknown as BookingPaymentFailedPayload;
        return [() => this.refundUnconfirmed(p.bookingId)];
      }
      default:
        // Written by a newer version of this subgraph: keep it due rather than drop it.
        return [() => Promise.reject(new Error(`no consumer for event type ${event.type}`))];
    }
  }
}
