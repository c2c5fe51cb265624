/**
 * Where the relay hands events. `DirectPublisher` is the mode without a broker (AMQP_URL unset):
 * it calls the consumers itself. `BrokerPublisher` publishes to RabbitMQ's booking.events
 * exchange and resolves only once the broker confirmed; the consumers take it from their queues.
 * The relay is the same for both: an event is marked published only when publish() resolved.
 */
import { BOOKING_EVENTS_EXCHANGE, BOOKING_EVENT_QUEUES } from '@wsb/booking-events';
import { SpanKind, inSpan, type Broker, type Logger, type ServiceClient } from '@wsb/kernel';
import { refundPayment } from '../dependencies';
import { activityFor, notificationFor, type BookingActivity, type BookingNotification as NotificationInput } from '@wsb/booking-events';
import { completeParties, recordBookingActivities, recordBookingActivity, sendBookingEmail, sendBookingEmails } from './consumers';
import { BOOKING_CANCELLED, BOOKING_CREATED, BOOKING_PAYMENT_FAILED, type BookingCreatedPayload, type BookingPaymentFailedPayload } from './events';

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
  /**
   * Hands over a round's events together (oldest first); per event, in order, undefined when it
   * is handed over for good, else the error to retry it for. Never rejects. Without it the relay
   * publishes one event at a time.
   */
  publishAll?(events: PublishableEvent[]): Promise<(Error | undefined)[]>;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** The booking an event is about, for keeping one booking's events in order within a round. */
const bookingOf = (event: PublishableEvent): string | undefined => (event.payload as { bookingId?: string })?.bookingId;

/**
 * Sends one consumer's batch; per event of the round, the error it failed with there: the
 * request's when it failed as a whole, the consumer's reason for an item it refused.
 */
async function deliver<T>(batch: Batch<T>, events: number, send: (items: T[]) => Promise<(string | null)[]>): Promise<(Error | undefined)[]> {
  const errors: (Error | undefined)[] = new Array(events).fill(undefined);
  if (!batch.items.length) return errors;
  try {
    const refused = await send(batch.items);
    if (!Array.isArray(refused) || refused.length !== batch.items.length) throw new Error('the consumer answered the batch with a wrong number of outcomes');
    batch.events.forEach((event, j) => {
      if (refused[j]) errors[event] = new Error(refused[j]!);
    });
  } catch (err) {
    for (const event of batch.events) errors[event] = asError(err);
  }
  return errors;
}

/** What a round delivers to one consumer: its items and the event each came from. */
class Batch<T> {
  readonly items: T[] = [];
  readonly events: number[] = [];
  add(event: number, item: T): void {
    this.items.push(item);
    this.events.push(event);
  }
}

/**
 * Runs the delivery of events in a producer span (`booking.created publish`) whose parent is the
 * trace context stored with the first event (of the request that wrote it), linking the others':
 * the calls to notification and reporting (direct) or the RabbitMQ message and what its consumers
 * do (broker) belong to the trace of the request that booked. Without tracing it only runs `fn`.
 */
function inPublishSpan<T>(events: PublishableEvent[], fn: () => Promise<T>): Promise<T> {
  const types = new Set(events.map((e) => e.type));
  return inSpan(
    `${types.size === 1 ? events[0].type : 'booking events'} publish`,
    {
      kind: SpanKind.PRODUCER,
      carrier: events[0]?.traceContext,
      links: events.slice(1).map((e) => e.traceContext),
      attributes: {
        'messaging.operation.type': 'send',
        'messaging.batch.message_count': events.length,
        ...(events.length === 1 ? { 'messaging.message.id': events[0].id, 'booking.id': String(events[0].payload.bookingId ?? '') } : {}),
      },
    },
    fn,
  );
}

export class DirectPublisher implements EventPublisher {
  constructor(
    private readonly subgraphs: ServiceClient,
    private readonly log: Logger,
  ) {}

  /**
   * One request per consumer for the whole round: notification's `_sendNotifications` and
   * reporting's `_recordActivities` each get every event's item in one batch, which they record
   * in one statement, idempotent per event (dedupe key; (kind, bookingId)). An event is delivered
   * when every consumer it has took its item; a consumer that fails (down, or refusing one item)
   * leaves the events concerned due, and their retry repeats what was done, harmlessly.
   * Within the round a booking's events stay in order: once one of them failed before it was
   * sent, the booking's later events are held back with it (a cancellation never overtakes the
   * creation it follows).
   */
  publishAll(events: PublishableEvent[]): Promise<(Error | undefined)[]> {
    return events.length ? inPublishSpan(events, () => this.deliverAll(events)) : Promise.resolve([]);
  }

  private async deliverAll(events: PublishableEvent[]): Promise<(Error | undefined)[]> {
    const errors: (Error | undefined)[] = events.map(() => undefined);
    const notifications = new Batch<NotificationInput>();
    const activities = new Batch<BookingActivity>();
    const refunds: Promise<void>[] = [];
    // Parties are looked up (only for events written without them) before anything is sent.
    const prepared = await Promise.all(
      events.map(async (event) => {
        if (event.type !== BOOKING_CREATED && event.type !== BOOKING_CANCELLED) return undefined;
        try {
          return await completeParties(this.subgraphs, event.payload as unknown as BookingCreatedPayload);
        } catch (err) {
          return asError(err);
        }
      }),
    );
    const held = new Map<string, string>();
    for (const [i, event] of events.entries()) {
      const booking = bookingOf(event);
      const blocker = booking ? held.get(booking) : undefined;
      if (blocker) {
        errors[i] = new Error(`held back behind event ${blocker} of the same booking, not delivered yet`);
        continue;
      }
      const complete = prepared[i];
      if (complete instanceof Error) {
        errors[i] = complete;
      } else if (event.type === BOOKING_CREATED || event.type === BOOKING_CANCELLED) {
        const payload = event.payload as unknown as BookingCreatedPayload;
        if (complete) {
          const notification = notificationFor(event.type, complete);
          if (notification) notifications.add(i, notification);
        } else {
          this.log.warn('booking notice skipped: the user no longer exists', { type: event.type, bookingId: payload.bookingId });
        }
        const activity = activityFor(event.type, payload);
        if (activity) activities.add(i, activity);
      } else if (event.type === BOOKING_PAYMENT_FAILED) {
        const bookingId = (event.payload as unknown as BookingPaymentFailedPayload).bookingId;
        refunds.push(refundUnconfirmed(this.subgraphs, this.log, bookingId).catch((err) => void (errors[i] = asError(err))));
      } else {
        // Written by a newer version of this subgraph: keep it due rather than drop it.
        errors[i] = new Error(`no consumer for event type ${event.type}`);
      }
      if (errors[i] && booking) held.set(booking, event.id);
    }
    // Every consumer is tried even when another fails; a retry repeats all of them, which their
    // idempotency makes harmless.
    const [emailErrors, activityErrors] = await Promise.all([
      deliver(notifications, events.length, (inputs) => sendBookingEmails(this.subgraphs, inputs)),
      deliver(activities, events.length, (inputs) => recordBookingActivities(this.subgraphs, inputs)),
      ...refunds,
    ]);
    return errors.map((err, i) => {
      const failures = [err, emailErrors[i], activityErrors[i]].filter((e): e is Error => Boolean(e));
      return failures.length > 1 ? new Error(failures.map((e) => e.message).join('; ')) : failures[0];
    });
  }

  publish(event: PublishableEvent): Promise<void> {
    return inPublishSpan([event], () => this.deliver(event));
  }

  private async deliver(event: PublishableEvent): Promise<void> {
    const deliveries = this.deliveriesFor(event);
    // Every consumer is tried even when another fails; a retry repeats all of them, which their
    // idempotency makes harmless.
    const results = await Promise.allSettled(deliveries.map((deliver) => deliver()));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error)?.message ?? String(r.reason)] : []));
    if (failures.length) throw new Error(failures.join('; '));
  }

  private async email(type: string, payload: BookingCreatedPayload): Promise<void> {
    const complete = await completeParties(this.subgraphs, payload);
    if (!complete) {
      this.log.warn('booking notice skipped: the user no longer exists', { type, bookingId: payload.bookingId });
      return;
    }
    await sendBookingEmail(this.subgraphs, type, complete);
  }

  private deliveriesFor(event: PublishableEvent): (() => Promise<unknown>)[] {
    switch (event.type) {
      case BOOKING_CREATED:
      case BOOKING_CANCELLED: {
        const p = event.payload as unknown as BookingCreatedPayload;
        return [() => this.email(event.type, p), () => recordBookingActivity(this.subgraphs, event.type, p)];
      }
      case BOOKING_PAYMENT_FAILED: {
        const p = event.payload as unknown as BookingPaymentFailedPayload;
        return [() => refundUnconfirmed(this.subgraphs, this.log, p.bookingId)];
      }
      default:
        // Written by a newer version of this subgraph: keep it due rather than drop it.
        return [() => Promise.reject(new Error(`no consumer for event type ${event.type}`))];
    }
  }
}

/** A refund of a charge still in progress would refund nothing: try again once it has settled. */
async function refundUnconfirmed(subgraphs: ServiceClient, log: Logger, bookingId: string): Promise<void> {
  const payment = await refundPayment({ subgraphs, log }, bookingId);
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
    private readonly subgraphs: ServiceClient,
    private readonly log: Logger,
  ) {}

  /** Declares the exchange and the consumers' queues, so nothing published before a consumer's first start is lost. */
  static async declareTopology(broker: Broker): Promise<void> {
    await broker.declareExchange(BOOKING_EVENTS_EXCHANGE);
    for (const spec of Object.values(BOOKING_EVENT_QUEUES)) await broker.declareQueue(spec);
  }

  /**
   * The round's events published together, their confirms awaited together; one booking's events
   * one after another, in order, and once one failed its later ones are held back with it.
   */
  async publishAll(events: PublishableEvent[]): Promise<(Error | undefined)[]> {
    const errors: (Error | undefined)[] = events.map(() => undefined);
    const chains = new Map<string, Promise<void>>();
    const failed = new Map<string, string>();
    for (const [i, event] of events.entries()) {
      const key = bookingOf(event) ?? event.id;
      const next = (chains.get(key) ?? Promise.resolve()).then(async () => {
        const blocker = failed.get(key);
        if (blocker) {
          errors[i] = new Error(`held back behind event ${blocker} of the same booking, not delivered yet`);
          return;
        }
        try {
          await this.publish(event);
        } catch (err) {
          errors[i] = asError(err);
          failed.set(key, event.id);
        }
      });
      chains.set(key, next);
    }
    await Promise.all(chains.values());
    return errors;
  }

  /** In a publish span of its own (one per message, so each consumer continues its event's trace). */
  publish(event: PublishableEvent): Promise<void> {
    return inPublishSpan([event], () => this.send(event));
  }

  private async send(event: PublishableEvent): Promise<void> {
    let body: unknown = event.payload;
    if (event.type === BOOKING_PAYMENT_FAILED) {
      await refundUnconfirmed(this.subgraphs, this.log, (event.payload as unknown as BookingPaymentFailedPayload).bookingId);
    } else if (event.type === BOOKING_CREATED || event.type === BOOKING_CANCELLED) {
      const payload = event.payload as unknown as BookingCreatedPayload;
      body = (await completeParties(this.subgraphs, payload)) ?? payload;
    }
    await this.broker.publish(BOOKING_EVENTS_EXCHANGE, event.type, body, { messageId: event.id });
  }
}
