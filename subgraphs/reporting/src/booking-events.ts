/**
 * With AMQP_URL set: consumes booking events from this subgraph's own durable queue
 * (reporting.booking-events) and records each in the activity log through the same idempotent
 * path as `_recordActivity`. The kernel acks a message only after this handler resolved (the row
 * is committed); a redelivered event hits the (kind, bookingId) key and is acked without a second
 * row. Without AMQP_URL the booking relay calls `_recordActivity` directly instead.
 */
import { BOOKING_EVENT_QUEUES, activityFor } from '@wsb/booking-events';
import { DomainError, PermanentMessageError, createBroker, type Broker, type Logger, type Metrics } from '@wsb/kernel';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RecordActivityInput } from './__generated__/resolvers-types';
import type { ReportingConfig } from './config';
import { recordActivity } from './record';
import { validActivity, type ActivityData } from './validation';

function toDate(value: unknown, field: string): Date {
  const date = new Date(typeof value === 'string' ? value : NaN);
  if (Number.isNaN(date.getTime())) throw new PermanentMessageError(`${field} is not a date-time`);
  return date;
}

export async function consumeBookingEvents(app: { orm: MikroORM; config: ReportingConfig; log: Logger; metrics?: Metrics }): Promise<Broker | undefined> {
  const broker = createBroker(app.config.amqp, app.log, 'reporting', app.metrics);
  if (!broker) return undefined;
  const log = app.log.child({ component: 'booking-events' });
  await broker.consume(BOOKING_EVENT_QUEUES.reporting, async (message) => {
    const activity = activityFor(message.routingKey, message.body);
    if (!activity) return;
    let data: ActivityData;
    try {
      const input = {
        ...activity,
        startsAt: toDate(activity.startsAt, 'startsAt'),
        endsAt: toDate(activity.endsAt, 'endsAt'),
        at: toDate(activity.at, 'at'),
      } as RecordActivityInput;
      data = validActivity(input);
    } catch (err) {
      // An event no retry can make valid: parked in the dead-letter queue.
      if (err instanceof DomainError) throw new PermanentMessageError(err.message);
      throw err;
    }
    const { created } = await recordActivity(app.orm.em.fork(), data);
    if (!created) log.info('duplicate booking event ignored', { messageId: message.id, kind: data.kind, bookingId: data.bookingId, redelivered: message.redelivered });
  });
  return broker;
}
