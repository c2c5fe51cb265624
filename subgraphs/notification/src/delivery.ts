/**
 * Delivers notifications with retries. The first attempt runs inside the request, so a caller
 * usually gets SENT back; failed attempts are retried in the background with exponential backoff
 * (NOTIFY_RETRY_BASE_MS × 2^(n-1) after attempt n) until NOTIFY_MAX_ATTEMPTS, ending in FAILED
 * with the error as failureReason.
 *
 * Every attempt is claimed in the database first (`attempts = attempts + 1 where attempts = n and
 * status = 'QUEUED'`), so two workers never run the same attempt. State is written through the
 * worker's own entity manager, never the request's, because retries outlive the request.
 * `stop()` cancels the pending retries and waits for running attempts; what is left stays QUEUED
 * and the periodic sweep (of this or another instance) picks it up once it has gone stale.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable, type Logger, type Service } from '@wsb/kernel';
import type { NotificationConfig } from './config';
import { Notification } from './entities/notification.entity';
import type { Mailer } from './mailer';
import type { SmsSender } from './sms';

interface WorkerApp {
  orm: MikroORM;
  config: NotificationConfig;
  log: Logger;
}

/** Where notifications go out: email and SMS. */
export interface Transports {
  mailer: Mailer;
  sms: SmsSender;
}

const MAX_REASON_LENGTH = 500;
/** How long past its last change a QUEUED row must be before the sweep takes it over. */
const STALE_MARGIN_MS = 60_000;
/**
 * While the database is unreachable (a restart), recording a sent notification and claiming an
 * attempt are tried again after these waits, doubling from the first up to the longest.
 */
const DB_RETRY_FIRST_MS = 200;
const DB_RETRY_MAX_MS = 5_000;
const nextDbRetry = (delayMs: number) => Math.min(delayMs * 2, DB_RETRY_MAX_MS);

function failureReason(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).trim();
  return (message || 'Delivery failed without a reason.').slice(0, MAX_REASON_LENGTH);
}

export class DeliveryWorker implements Service {
  private stopped = true;
  private sweepTimer?: NodeJS.Timeout;
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly app: WorkerApp,
    private readonly transports: Transports,
  ) {}

  /** Takes over what a stopped or crashed instance left QUEUED, then sweeps on a timer. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.track(this.sweep()), this.staleAfterMs());
    this.sweepTimer.unref(); // never the reason the process stays up
  }

  /** Cancels pending retries and the sweep, then waits for the attempts already running. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    await this.idle(); // stopped: nothing new is scheduled, so this waits for the running attempts alone
  }

  /** Resolves once no attempt is running or scheduled (stop() waits on it; so do tests, without stopping). */
  async idle(): Promise<void> {
    while (this.running.size || this.retries.size) {
      await Promise.allSettled([...this.running]);
      if (this.retries.size) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The first attempt of a notification just recorded; later attempts are scheduled. */
  deliver(id: string): Promise<void> {
    return this.track(this.attempt(id, 0));
  }

  /**
   * Takes over QUEUED rows nobody has touched for longer than any retry waits: their instance
   * stopped or died. The attempts guard keeps two sweeping instances from both sending.
   */
  async sweep(): Promise<void> {
    if (this.stopped) return;
    const cutoff = new Date(Date.now() - this.staleAfterMs());
    const rows = await this.em()
      .getConnection()
      .execute<{ id: string; attempts: number }[]>(
        `select id, attempts from notification where status = 'QUEUED' and updated_at < ? order by updated_at limit 100`,
        [cutoff],
        'all',
      );
    const { notifyMaxAttempts } = this.config();
    for (const row of rows) {
      void this.track(row.attempts >= notifyMaxAttempts ? this.settleOrphan(row.id, row.attempts) : this.attempt(row.id, row.attempts));
    }
  }

  /** Its last attempt was claimed but never recorded (the instance died): it ends FAILED. */
  private async settleOrphan(id: string, attempts: number): Promise<void> {
    await this.write(
      this.em(),
      `update notification set status = 'FAILED', failure_reason = coalesce(failure_reason, ?), updated_at = ?
       where id = ? and status = 'QUEUED' and attempts = ?`,
      ['Delivery was interrupted before it finished.', new Date(), id, attempts],
    );
  }

  private staleAfterMs(): number {
    const { notifyRetryBaseMs, notifyMaxAttempts } = this.config();
    return notifyRetryBaseMs * 2 ** notifyMaxAttempts + STALE_MARGIN_MS;
  }

  /**
   * The first attempt of notifications just recorded together: one statement claims them all,
   * they are sent concurrently, and one statement marks the sent ones SENT. A failed one is
   * recorded and retried on its own, exactly as deliver() would.
   */
  deliverMany(ids: string[]): Promise<void> {
    if (ids.length === 1) return this.deliver(ids[0]);
    return this.track(this.attemptMany(ids));
  }

  private async attemptMany(ids: string[]): Promise<void> {
    if (this.stopped) return;
    const em = this.em();
    let rows: Record<string, unknown>[];
    try {
      rows = await em
        .getConnection()
        .execute<Record<string, unknown>[]>(
          `update notification set attempts = attempts + 1, updated_at = ? where id in (?) and status = 'QUEUED' and attempts = 0 returning *`,
          [new Date(), ids],
          'all',
        );
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      for (const id of ids) this.claimLater(id, 0, DB_RETRY_FIRST_MS);
      return;
    }
    const claimed = rows.map((row) => em.map(Notification, row));
    const sent = (await Promise.all(claimed.map((n) => this.send(em, n)))).flatMap((ok, i) => (ok ? [claimed[i].id] : []));
    if (sent.length) await this.markSent(em, sent);
  }

  private async attempt(id: string, expectedAttempts: number, claimRetryMs = DB_RETRY_FIRST_MS): Promise<void> {
    if (this.stopped) return; // left QUEUED for the sweep after the next start
    const em = this.em();
    let notification: Notification | null;
    try {
      notification = await this.write(
        em,
        `update notification set attempts = attempts + 1, updated_at = ? where id = ? and status = 'QUEUED' and attempts = ? returning *`,
        [new Date(), id, expectedAttempts],
      );
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      this.claimLater(id, expectedAttempts, claimRetryMs);
      return;
    }
    if (!notification) return; // someone else took this attempt, or it is already final
    if (await this.send(em, notification)) await this.markSent(em, [id]);
  }

  /**
   * Records what went out. It is sent already, so the record is retried while the database is
   * unreachable (a restart): left QUEUED, the sweep would send it a second time. Only a process
   * that stops or dies before the database is back leaves that to the sweep (at least once).
   */
  private async markSent(em: EntityManager, ids: string[]): Promise<void> {
    for (let delayMs = DB_RETRY_FIRST_MS; ; delayMs = nextDbRetry(delayMs)) {
      try {
        const now = new Date();
        await em
          .getConnection()
          .execute(`update notification set status = 'SENT', sent_at = ?, failure_reason = null, updated_at = ? where id in (?)`, [now, now, ids]);
        return;
      } catch (err) {
        if (this.stopped || !isDatabaseUnavailable(err)) throw err;
        this.log().warn('notification sent, not yet recorded: the database is unavailable; retrying', { notificationIds: ids, retryInMs: delayMs });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** Sends a claimed attempt; on failure records it (QUEUED with a retry, or FAILED) and returns false. */
  private async send(em: EntityManager, notification: Notification): Promise<boolean> {
    const { mailer, sms } = this.transports;
    const { notifyMaxAttempts, notifyRetryBaseMs } = this.config();
    const id = notification.id;
    try {
      if (notification.channel === 'EMAIL') {
        await mailer.send({ to: notification.recipient, subject: notification.subject, text: notification.body });
      } else {
        await sms.send({ to: notification.recipient, text: notification.body });
      }
      return true;
    } catch (err) {
      const reason = failureReason(err);
      const final = notification.attempts >= notifyMaxAttempts;
      this.log().warn('notification delivery failed', { notificationId: id, attempt: notification.attempts, final, reason });
      await this.write(em, `update notification set status = ?, failure_reason = ?, updated_at = ? where id = ?`, [
        final ? 'FAILED' : 'QUEUED',
        reason,
        new Date(),
        id,
      ]);
      if (!final) this.retry(id, notification.attempts, notifyRetryBaseMs * 2 ** (notification.attempts - 1));
      return false;
    }
  }

  private retry(id: string, attempts: number, delayMs: number, claimRetryMs?: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      void this.track(this.attempt(id, attempts, claimRetryMs));
    }, delayMs);
    this.retries.add(timer);
  }

  /**
   * An attempt that could not even be claimed because the database is unavailable (a restart)
   * changed nothing: it is tried again soon, with a doubling wait, instead of waiting for the
   * sweep, which takes a row only once it is older than any retry (a minute or more).
   */
  private claimLater(id: string, attempts: number, delayMs: number): void {
    this.log().warn('notification not yet claimed: the database is unavailable; retrying', { notificationId: id, retryInMs: delayMs });
    this.retry(id, attempts, delayMs, nextDbRetry(delayMs));
  }

  /** Keeps a background task visible to stop() and idle(), and logs instead of rejecting unhandled. */
  private track(task: Promise<void>): Promise<void> {
    const tracked: Promise<void> = task.catch((err) => this.log().error('notification delivery crashed', { err })).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return tracked;
  }

  private async write(em: EntityManager, sql: string, params: unknown[]): Promise<Notification | null> {
    const [row] = await em.getConnection().execute<Record<string, unknown>[]>(sql, params, 'all');
    return row ? em.map(Notification, row) : null;
  }

  private em(): EntityManager {
    return this.app.orm.em.fork();
  }
  private config(): NotificationConfig {
    return this.app.config;
  }
  private log(): Logger {
    return this.app.log;
  }
}
