/**
 * With AMQP_URL set: consumes booking events from this subgraph's own durable queue
 * (notification.booking-events) in batches and records the emails they send in one statement,
 * through the same idempotent path as `_sendNotifications`. The kernel acks the messages only
 * after this handler resolved, i.e. after the rows are committed; a redelivered event finds its
 * dedupe key and is acked without a second email. An event no retry can make valid is parked on
 * its own; the rest of its batch is recorded. Without AMQP_URL the booking relay calls
 * `_sendNotifications` directly instead.
 */
import { notificationFor } from '@wsb/booking-events';
import { DomainError, PermanentMessageError, type BatchOutcome, type BrokerMessage, type Logger } from '@wsb/kernel';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DeliveryWorker } from './delivery';
import { recordNotifications } from './record';
import { validNotification, type NotificationInput } from './validation';

/** Handles one batch of booking events: the outcome of each message, in order. */
export async function handleBookingEvents(app: { orm: MikroORM; log: Logger }, delivery: DeliveryWorker, messages: BrokerMessage[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = messages.map(() => undefined);
  const inputs: NotificationInput[] = [];
  for (const [i, message] of messages.entries()) {
    const input = notificationFor(message.routingKey, message.body);
    if (!input) {
      app.log.info('booking event sends no notification', { messageId: message.id, type: message.routingKey });
      continue;
    }
    try {
      inputs.push(validNotification(input));
    } catch (err) {
      // An event no retry can make valid: parked in the dead-letter queue.
      if (!(err instanceof DomainError)) throw err;
      outcomes[i] = new PermanentMessageError(err.message);
    }
  }
  const created = await recordNotifications(app.orm.em.fork(), delivery, inputs);
  const duplicates = inputs.filter((n) => !created.has(n.dedupeKey));
  if (duplicates.length) app.log.info('duplicate booking events ignored', { dedupeKeys: duplicates.map((n) => n.dedupeKey) });
  return outcomes;
}
