import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

/**
 * An event written in the same transaction as the state change it reports (transactional outbox),
 * so a committed booking always gets its notification and activity entry, however late.
 */
export class OutboxEvent {
  [OptionalProps]?: 'id' | 'createdAt' | 'attempts' | 'nextAttemptAt';
  id: string = randomUUID();
  type!: string;
  payload!: Record<string, unknown>;
  createdAt: Date = new Date();
  /** Set once every consumer has the event; null while it is due. */
  publishedAt?: Date | null;
  /** Failed deliveries so far. */
  attempts = 0;
  /** Not delivered before this time (backoff after a failure). */
  nextAttemptAt: Date = new Date();
  lastError?: string | null;
  /** A relay is delivering it until then; after that, another may take it over. */
  claimedUntil?: Date | null;
  /** W3C trace context of the request that wrote it (null when tracing was off): its delivery continues that trace. */
  traceContext?: Record<string, string> | null;
}

export const OutboxEventSchema = new EntitySchema<OutboxEvent>({
  class: OutboxEvent,
  tableName: 'outbox_event',
  properties: {
    id: { type: 'uuid', primary: true },
    type: { type: 'string', length: 64 },
    payload: { type: 'json' },
    createdAt: { type: 'datetime', length: 3 },
    publishedAt: { type: 'datetime', length: 3, nullable: true },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'datetime', length: 3 },
    lastError: { type: 'text', nullable: true },
    claimedUntil: { type: 'datetime', length: 3, nullable: true },
    traceContext: { type: 'json', nullable: true },
  },
});
