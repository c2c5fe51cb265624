/**
 * Delivers outbox events at least once. Each round claims due rows in one statement
 * (`update … set claimed_until = <lease> where id in (select … for update skip locked limit N)`),
 * so several instances of this subgraph share the work without delivering one row twice at the
 * same time, and no transaction stays open while the EventPublisher delivers them, all of a round
 * together (one request per consumer, or one burst of broker publishes). Delivered rows
 * are then marked published; a failure is recorded with a retry after exponential backoff. A
 * crash mid-round leaves the leases to run out (OUTBOX_CLAIM_MS) and the rows are delivered again.
 * Published rows are deleted after OUTBOX_RETENTION_HOURS (see prune()).
 *
 * It runs when kicked (right after a commit that wrote an event) and on a timer (events whose
 * retry came due, events another instance wrote, events left by a crash).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { BOOKING_CREATED } from '@wsb/booking-events';
import { outsideRequest, type Logger } from '@wsb/kernel';
import type { OutboxSettings } from '../config';
import type { EventPublisher, PublishableEvent } from './publisher';

export interface OutboxSignal {
  /** Asks the relay to look for due events soon; never blocks or throws. */
  kick(): void;
}

/** Delay before retry number `attempts` (1-based): base, 2×base, 4×base, ... capped, with jitter. */
export function retryDelayMs(attempts: number, settings: Pick<OutboxSettings, 'retryBaseMs' | 'retryMaxMs'>): number {
  const exponential = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
  // Up to 10% jitter, so events that failed together (a consumer was down) do not retry in lockstep.
  return Math.round(exponential * (1 - Math.random() * 0.1));
}

/** How often published events past their retention are deleted. */
const PRUNE_EVERY_MS = 15 * 60_000;

export class OutboxRelay implements OutboxSignal {
  private timer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private kickedWhileRunning = false;
  private stopped = true;

  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: EventPublisher,
    private readonly log: Logger,
    private readonly settings: OutboxSettings,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.settings.pollIntervalMs);
    // The HTTP server keeps the process alive; the relay alone should not.
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune().catch((err) => this.log.error('outbox pruning failed', { err })), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.kick();
  }

  /** Stops polling and waits for the round in progress, so the ORM can close after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      // One more round after this one: the commit that kicked may have missed the current claim.
      this.kickedWhileRunning = true;
      return;
    }
    // The relay's work is its own, not the request's whose commit kicked it.
    this.running = outsideRequest(() => this.drain()).finally(() => {
      this.running = undefined;
      if (this.kickedWhileRunning) {
        this.kickedWhileRunning = false;
        this.kick();
      }
    });
  }

  /** Runs rounds until fewer than a full batch was due. Never rejects: failures are logged. */
  async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.deliverBatch()) === this.settings.batchSize);
    } catch (err) {
      // The database itself failed (the rows stay due); the next tick tries again.
      this.log.error('outbox relay round failed', { err });
    }
  }

  /**
   * One round; returns how many events it claimed. The claim is one statement (its own short
   * transaction): due, unclaimed events get a lease, and no transaction or row lock is held while
   * they are delivered over the network. Delivered events are marked published in one statement;
   * a failed one gets its backoff. A relay that dies mid-round leaves its leases to run out, and
   * the events go out again (consumers are idempotent).
   */
  async deliverBatch(): Promise<number> {
    const connection = this.orm.em.getConnection();
    const now = new Date();
    const claimed = await connection.execute<ClaimedRow[]>(
      `update outbox_event set claimed_until = ?
       where id in (
         select id from outbox_event
         where published_at is null and next_attempt_at <= ? and (claimed_until is null or claimed_until < ?)
         order by next_attempt_at, created_at
         limit ? for update skip locked)
       returning id, type, payload, attempts, next_attempt_at, created_at, trace_context`,
      [new Date(now.getTime() + this.settings.claimMs), now, now, this.settings.batchSize],
    );
    // In the order they were written (RETURNING keeps no order), so one booking's events go out
    // in order within a round; consumers are idempotent, so a retried event may arrive late.
    claimed.sort((a, b) => +new Date(a.created_at) - +new Date(b.created_at) || (a.id < b.id ? -1 : 1));
    const events = claimed.map((row) => ({ ...row, traceContext: row.trace_context }));
    const outcomes = this.publisher.publishAll ? await this.publisher.publishAll(events) : await oneByOne(this.publisher, events);
    const delivered: string[] = [];
    for (const [i, event] of claimed.entries()) {
      const err = outcomes[i];
      if (!err) {
        delivered.push(event.id);
        continue;
      }
      const attempts = event.attempts + 1;
      const lastError = (err.message ?? String(err)).slice(0, 2000);
      const retryAt = new Date(Date.now() + retryDelayMs(attempts, this.settings));
      await connection.execute('update outbox_event set attempts = ?, last_error = ?, next_attempt_at = ?, claimed_until = null where id = ?', [
        attempts,
        lastError,
        retryAt,
        event.id,
      ]);
      this.log.warn('outbox event not delivered; will retry', {
        eventId: event.id,
        type: event.type,
        attempts,
        retryAt: retryAt.toISOString(),
        err: lastError,
      });
    }
    if (delivered.length) {
      await connection.execute('update outbox_event set published_at = ?, claimed_until = null where id in (?)', [new Date(), delivered]);
    }
    return claimed.length;
  }

  /**
   * Deletes published events older than the retention, in batches, except booking.created of a
   * booking that is not cancelled: cancelling it later reads who it was for from that event.
   * Returns how many were deleted.
   */
  async prune(now = new Date()): Promise<number> {
    const connection = this.orm.em.getConnection();
    const before = new Date(now.getTime() - this.settings.retentionMs);
    let total = 0;
    for (;;) {
      const rows = await connection.execute<{ id: string }[]>(
        `delete from outbox_event where id in (
           select e.id from outbox_event e
           where e.published_at is not null and e.published_at < ?
             and not (e.type = ? and exists (
               select 1 from booking b where b.id::text = e.payload ->> 'bookingId' and b.status <> 'CANCELLED'))
           limit ?)
         returning id`,
        [before, BOOKING_CREATED, PRUNE_BATCH],
      );
      total += rows.length;
      if (rows.length < PRUNE_BATCH) break;
    }
    if (total) this.log.info('outbox pruned', { deleted: total, publishedBefore: before.toISOString() });
    return total;
  }
}

/** For publishers without publishAll: one event at a time, in order. */
async function oneByOne(publisher: EventPublisher, events: PublishableEvent[]): Promise<(Error | undefined)[]> {
  const outcomes: (Error | undefined)[] = [];
  for (const event of events) {
    try {
      await publisher.publish(event);
      outcomes.push(undefined);
    } catch (err) {
      outcomes.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return outcomes;
}

/** Rows deleted per pruning statement, so no delete holds locks for long. */
const PRUNE_BATCH = 1000;

interface ClaimedRow {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  trace_context: Record<string, string> | null;
}
