/**
 * Where the relay hands events. `DirectPublisher` is the mode without a broker (AMQP_URL unset):
 * it calls the consumers itself. `BrokerPublisher` publishes to RabbitMQ's booking.events
 * exchange and resolves only once the broker confirmed; the consumers take it from their queues.
 * The relay is the same for both: an event is marked published only when publish() resolved.
 */
import { BOOKING_EVENTS_EXCHANGE, BOOKING_EVENT_QUEUES } from '@wsb/booking-events';
import { SpanKind, inSpan, type Broker, type Logger, type ServiceClient } from '@wsb/kernel';
import { refundPayment } from '../dependencies';
import { completeParties, recordBookingActivity, sendBookingEmail } from './consumers';
import {
  BOOKING_CANCELLED,
  BOOKING_CREATED,
  BOOKING_PAYMENT_FAILED,
  type BookingCreatedPayload,
  type BookingPaymentFailedPayload,
} from './events';

export interface PublishableEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** The trace context stored with the event (of the request that wrote it), if it was traced. */
  traceContext?: Record<string, string> | null;
}

export interface EventPublisher {
  /** Resolves once the event is handed over for good; rejects to have the relay retry it later. */
  publish(event: PublishableEvent): Promise<void>;
}

/**
 * Delivers each event in a producer span (`booking.created publish`) whose parent is the trace
 * context stored with the event: the calls to notification and reporting (direct) or the RabbitMQ
 * message and what its consumers do (broker) belong to the trace of the request that booked.
 */
export function tracedPublisher(publisher: EventPublisher): EventPublisher {
  return {
    publish: (event) =>
      inSpan(
        `${event.type} publish`,
        {
          kind: SpanKind.PRODUCER,
          carrier: event.traceContext,
          attributes: { 'messaging.operation.type': 'send', 'messaging.message.id': event.id, 'booking.id': String(event.payload.bookingId ?? '') },
        },
        () => publisher.publish(event),
      ),
  };
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

  private async email(type: string, payload: BookingCreatedPayload): Promise<void> {
    const complete = await completeParties(this.services, payload);
    if (!complete) {
      this.log.warn('booking notice skipped: the user no longer exists', { type, bookingId: payload.bookingId });
      return;
    }
    await sendBookingEmail(this.services, type, complete);
  }

  private deliveriesFor(event: PublishableEvent): (() => Promise<unknown>)[] {
    switch (event.type) {
      case BOOKING_CREATED:
      case BOOKING_CANCELLED: {
        const p = event.payload as unknown as BookingCreatedPayload;
        return [() => this.email(event.type, p), () => recordBookingActivity(this.services, event.type, p)];
      }
      case BOOKING_PAYMENT_FAILED: {
        const p = event.payload as unknown as BookingPaymentFailedPayload;
        return [() => refundUnconfirmed(this.services, this.log, p.bookingId)];
      }
      default:
        // Written by a newer version of this subgraph: keep it due rather than drop it.
        return [() => Promise.reject(new Error(`no consumer for event type ${event.type}`))];
    }
  }
}

/** A refund of a charge still in progress would refund nothing: try again once it has settled. */
async function refundUnconfirmed(services: ServiceClient, log: Logger, bookingId: string): Promise<void> {
  const payment = await refundPayment({ services, log }, bookingId);
  if (payment?.status === 'PENDING') throw new Error(`payment ${payment.id} is still being charged; refund retried later`);
}

/**
 * Publishes every event to the booking.events topic exchange (routing key = event type, message id =
 * event id, persistent) and resolves once RabbitMQ confirmed it. Before publishing it fills in who
 * the event is about when the outbox row lacks it, so consumers never call back. The refund a
 * booking.payment_failed event stands for stays booking's own compensation: the relay asks payment
 * for it directly (retried by the outbox until payment answers), then publishes the event for anyone
 * listening.
 */
export class BrokerPublisher implements EventPublisher {
  constructor(
    private readonly broker: Broker,
    private readonly services: ServiceClient,
    private readonly log: Logger,
  ) {}

  /** Declares the exchange and the consumers' queues, so nothing published before a consumer's first start is lost. */
  static async declareTopology(broker: Broker): Promise<void> {
    await broker.declareExchange(BOOKING_EVENTS_EXCHANGE);
    for (const spec of Object.values(BOOKING_EVENT_QUEUES)) await broker.declareQueue(spec);
  }

  async publish(event: PublishableEvent): Promise<void> {
    let body: unknown = event.payload;
    if (event.type === BOOKING_PAYMENT_FAILED) {
      await refundUnconfirmed(this.services, this.log, (event.payload as unknown as BookingPaymentFailedPayload).bookingId);
    } else if (event.type === BOOKING_CREATED || event.type === BOOKING_CANCELLED) {
      const payload = event.payload as unknown as BookingCreatedPayload;
      body = (await completeParties(this.services, payload)) ?? payload;
    }
    await this.broker.publish(BOOKING_EVENTS_EXCHANGE, event.type, body, { messageId: event.id });
  }
}
