import { readServiceConfig, type Env, type SubgraphConfig } from '@wsb/kernel';

export interface OutboxSettings {
  /** How often the relay looks for due events besides being kicked after each commit. */
  pollIntervalMs: number;
  /** Events claimed per transaction. */
  batchSize: number;
  /** First retry delay; doubles with every failed attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a claimed event is the claiming relay's to deliver; after that another relay may. */
  claimMs: number;
  /** Published events older than this are deleted (booking.created of a live booking is kept: cancellation reads it). */
  retentionMs: number;
}

export interface BookingConfig extends SubgraphConfig {
  outbox: OutboxSettings;
  /**
   * A PENDING booking older than this lost its request (crash between insert and payment):
   * the sweeper cancels it and schedules a refund. Far above the payment call's timeout.
   */
  pendingTimeoutMs: number;
  /**
   * How long after a payment of unknown outcome (timeout, payment crashed) its refund waits, so
   * that a charge still in flight has surely been recorded by then. Above the payment call's timeout.
   */
  refundDelayMs: number;
}

export function readConfig(env: Env): BookingConfig {
  return readServiceConfig('booking', env, (r, platform) => ({
    outbox: {
      pollIntervalMs: r.int('OUTBOX_POLL_INTERVAL_MS', 1000, { min: 10, max: 60_000 }),
      batchSize: r.int('OUTBOX_BATCH_SIZE', 20, { min: 1, max: 500 }),
      retryBaseMs: r.int('OUTBOX_RETRY_BASE_MS', 1000, { min: 1, max: 60_000 }),
      retryMaxMs: r.int('OUTBOX_RETRY_MAX_MS', 60_000, { min: 1, max: 3_600_000 }),
      claimMs: r.int('OUTBOX_CLAIM_MS', 60_000, { min: 1000, max: 3_600_000 }),
      retentionMs: r.int('OUTBOX_RETENTION_HOURS', 168, { min: 1, max: 24 * 365 }) * 3_600_000,
    },
    // Both wait for a payment call that may still be running: shorter than its timeout, they would
    // release a booking (or refund nothing) while the charge is still being taken.
    pendingTimeoutMs: r.aboveServiceTimeout(
      'BOOKING_PENDING_TIMEOUT_MS',
      r.int('BOOKING_PENDING_TIMEOUT_MS', 120_000, { min: 1000, max: 3_600_000 }),
      platform.serviceTimeoutMs,
    ),
    refundDelayMs: r.aboveServiceTimeout(
      'BOOKING_REFUND_DELAY_MS',
      r.int('BOOKING_REFUND_DELAY_MS', 30_000, { min: 100, max: 3_600_000 }),
      platform.serviceTimeoutMs,
    ),
  }));
}
