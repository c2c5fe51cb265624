/**
 * Delivers outbox events at least once. Each round claims due rows with
 * `select ... for update skip locked limit N` inside a transaction, so several instances of this
 * subgraph share the work without delivering one row twice at the same time; hands each to the
 * EventPublisher; and in the same transaction marks it published, or records the failure and
 * schedules a retry with exponential backoff. A crash mid-round rolls back and the rows stay due.
 *
 * It runs when kicked (right after a commit that wrote an event) and on a timer (events whose
 * retry came due, events another instance wrote, events left by a crash).
 */
import { LockMode, type MikroORM } from '@mikro-orm/postgresql';
import { outsideRequest, type Logger } from '@wsb/kernel';
import type { OutboxSettings } from '../config';
import { OutboxEvent } from '../entities/outbox-event.entity';
import type { EventPublisher } from './publisher';

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

export class OutboxRelay implements OutboxSignal {
  private timer?: NodeJS.Timeout;
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
    this.kick();
  }

  /** Stops polling and waits for the round in progress, so the ORM can close after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
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

  /** One round in one transaction; returns how many events it claimed. */
  async deliverBatch(): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const due = await em.find(
        OutboxEvent,
        { publishedAt: null, nextAttemptAt: { $lte: new Date() } },
        { orderBy: { nextAttemptAt: 'asc', createdAt: 'asc' }, limit: this.settings.batchSize, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      // One by one, oldest first; consumers are idempotent, so a retried event may arrive late.
      for (const event of due) {
        try {
          await this.publisher.publish(event);
          event.publishedAt = new Date();
        } catch (err) {
          event.attempts += 1;
          event.lastError = ((err as Error)?.message ?? String(err)).slice(0, 2000);
          event.nextAttemptAt = new Date(Date.now() + retryDelayMs(event.attempts, this.settings));
          this.log.warn('outbox event not delivered; will retry', {
            eventId: event.id,
            type: event.type,
            attempts: event.attempts,
            retryAt: event.nextAttemptAt.toISOString(),
            err: event.lastError,
          });
        }
      }
      return due.length;
    });
  }
}
