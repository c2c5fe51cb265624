import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { newId, now } from '@wsb/kernel';

/**
 * An event written in the same transaction as the state change it reports (transactional outbox),
 * so a committed booking always gets its notification and activity entry, however late.
 */
export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    type: p.string().length(64),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(3).defaultRaw('now()').onCreate(now),
    /** Set once every consumer has the event; null while it is due. */
    publishedAt: p.datetime(3).nullable(),
    /** Failed deliveries so far. */
    attempts: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    /** Not delivered before this time (backoff after a failure). */
    nextAttemptAt: p.datetime(3).defaultRaw('now()').onCreate(now),
    lastError: p.text().nullable(),
    /** A relay is delivering it until then; after that, another may take it over. */
    claimedUntil: p.datetime(3).nullable(),
    /** W3C trace context of the request that wrote it (null when tracing was off): its delivery continues that trace. */
    traceContext: p.json<Record<string, string>>().nullable(),
  }),
  indexes: [
    // The relay only ever reads due, unpublished rows.
    { name: 'outbox_event_due_idx', expression: 'create index outbox_event_due_idx on outbox_event (next_attempt_at) where published_at is null' },
    { name: 'outbox_event_published_at', expression: 'create index outbox_event_published_at on outbox_event (published_at) where published_at is not null' },
  ],
});
export type OutboxEvent = InferEntity<typeof OutboxEvent>;
