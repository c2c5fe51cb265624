/**
 * With AMQP_URL set: consumes booking events from this subgraph's own durable queue
 * (notification.booking-events) and records the email each one sends, through the same idempotent
 * path as `_sendNotification`. The kernel acks a message only after this handler resolved, i.e.
 * after the row is committed; a redelivered event finds its dedupe key and is acked without a
 * second email. Without AMQP_URL the booking relay calls `_sendNotification` directly instead.
 */
import { BOOKING_EVENT_QUEUES, notificationFor } from '@wsb/booking-events';
import { DomainError, PermanentMessageError, createBroker, type Broker, type Logger, type Metrics } from '@wsb/kernel';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { NotificationConfig } from './config';
import type { DeliveryWorker } from './delivery';
import { recordNotification } from './record';
import { validNotification, type NotificationInput } from './validation';

export async function consumeBookingEvents(
  app: { orm: MikroORM; config: NotificationConfig; log: Logger; metrics?: Metrics },
  delivery: DeliveryWorker,
): Promise<Broker | undefined> {
  const broker = createBroker(app.config.amqp, app.log, 'notification', app.metrics);
  if (!broker) return undefined;
  const log = app.log.child({ component: 'booking-events' });
  await broker.consume(BOOKING_EVENT_QUEUES.notification, async (message) => {
    const input = notificationFor(message.routingKey, message.body);
    if (!input) {
      log.info('booking event sends no notification', { messageId: message.id, type: message.routingKey });
      return;
    }
    let valid: NotificationInput;
    try {
      valid = validNotification(input);
    } catch (err) {
      // An event no retry can make valid: parked in the dead-letter queue.
      if (err instanceof DomainError) throw new PermanentMessageError(err.message);
      throw err;
    }
    const { created } = await recordNotification(app.orm.em.fork(), delivery, valid);
    if (!created) log.info('duplicate booking event ignored', { messageId: message.id, dedupeKey: valid.dedupeKey, redelivered: message.redelivered });
  });
  return broker;
}
