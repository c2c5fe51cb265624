/**
 * With AMQP_URL set: consumes booking events from this subgraph's own durable queue
 * (reporting.booking-events) in batches and records them in the activity log in one statement,
 * through the same idempotent path as `_recordActivities`. The kernel acks the messages only after
 * this handler resolved (the rows are committed); a redelivered event hits the (kind, bookingId)
 * key and is acked without a second row. An event no retry can make valid is parked on its own;
 * the rest of its batch is recorded. Without AMQP_URL the booking relay calls
 * `_recordActivities` directly instead.
 */
import { BOOKING_EVENT_QUEUES, activityFor } from '@wsb/booking-events';
import { DomainError, PermanentMessageError, createBroker, type BatchOutcome, type Broker, type BrokerMessage, type Logger, type Metrics } from '@wsb/kernel';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RecordActivityInput } from './__generated__/resolvers-types';
import type { ReportingConfig } from './config';
import { recordActivities } from './record';
import { validActivity, type ActivityData } from './validation';

function toDate(value: unknown, field: string): Date {
  const date = new Date(typeof value === 'string' ? value : NaN);
  if (Number.isNaN(date.getTime())) throw new PermanentMessageError(`${field} is not a date-time`);
  return date;
}

/** The activity an event records (null: none), or a PermanentMessageError when no retry can make it valid. */
function activityOf(message: BrokerMessage): ActivityData | null {
  const activity = activityFor(message.routingKey, message.body);
  if (!activity) return null;
  try {
    const input = {
      ...activity,
      startsAt: toDate(activity.startsAt, 'startsAt'),
      endsAt: toDate(activity.endsAt, 'endsAt'),
      at: toDate(activity.at, 'at'),
    } as RecordActivityInput;
    return validActivity(input);
  } catch (err) {
    if (err instanceof DomainError) throw new PermanentMessageError(err.message);
    throw err;
  }
}

/** Handles one batch of booking events: the outcome of each message, in order. */
async function handleBookingEvents(app: { orm: MikroORM; log: Logger }, messages: BrokerMessage[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = messages.map(() => undefined);
  const items: ActivityData[] = [];
  for (const [i, message] of messages.entries()) {
    try {
      const data = activityOf(message);
      if (data) items.push(data);
    } catch (err) {
      // An event no retry can make valid: parked in the dead-letter queue.
      if (!(err instanceof PermanentMessageError)) throw err;
      outcomes[i] = err;
    }
  }
  const created = await recordActivities(app.orm.em.fork(), items);
  if (created < items.length) app.log.info('duplicate booking events ignored', { duplicates: items.length - created });
  return outcomes;
}

export async function consumeBookingEvents(app: { orm: MikroORM; config: ReportingConfig; log: Logger; metrics?: Metrics }): Promise<Broker | undefined> {
  const broker = createBroker(app.config.amqp, app.log, 'reporting', app.metrics);
  if (!broker) return undefined;
  const log = app.log.child({ component: 'booking-events' });
  await broker.consumeBatch(BOOKING_EVENT_QUEUES.reporting, (messages) => handleBookingEvents({ orm: app.orm, log }, messages));
  return broker;
}
