/**
 * The same idempotencyKey from the same user returns the first booking, never a second booking or
 * a second charge. The key is unique per user in the database, so even concurrent requests with
 * one key end up with one row; the request hash tells a true retry from a different booking
 * that reuses a key.
 */
import { createHash } from 'node:crypto';
import { BadUserInputError, DependencyUnavailableError } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Booking } from '../entities/booking.entity';
import type { BookingRequest } from './validation';

/** How long a retry waits for the first request's payment to settle before answering. */
const SETTLE_TIMEOUT_MS = 5000;
const SETTLE_POLL_MS = 100;

/** sha256 over the canonical request: what the booking is, not how the client spelled it. */
export function requestHash(request: BookingRequest): string {
  const canonical = JSON.stringify([request.workspaceId.toLowerCase(), request.startsAt.toISOString(), request.endsAt.toISOString(), request.attendees]);
  return createHash('sha256').update(canonical).digest('hex');
}

export async function findByKey(em: EntityManager, userId: string, key: string): Promise<Booking | null> {
  return em.fork().findOne(Booking, { userId, idempotencyKey: key });
}

/** The first attempt is still running after the wait: the client should retry shortly. */
export class StillInProgressError extends DependencyUnavailableError {
  constructor() {
    super('booking', 'The first request with this idempotencyKey is still being processed; please retry shortly.');
  }
}

/**
 * What a retry with a known key should do, once the first attempt has settled:
 * - `answer`: return that booking (CONFIRMED, or cancelled by its owner or an admin);
 * - `rebook`: its payment failed and nothing was charged, so the booking runs again;
 * - `reconcile`: the payment's outcome was unknown (a timeout): ask payment before anything else.
 */
export type RetryDecision = { kind: 'answer' | 'rebook' | 'reconcile'; booking: Booking };

/**
 * Checks that the retry is the same booking, waits briefly while the first attempt is still
 * paying (PENDING), and says what to do. Still PENDING after the wait is a retryable error.
 */
export async function settleRetry(em: EntityManager, existing: Booking, hash: string): Promise<RetryDecision> {
  if (existing.requestHash !== hash) {
    throw new BadUserInputError('idempotencyKey was already used for a different booking.', 'idempotencyKey');
  }
  let booking = existing;
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (booking.status === 'PENDING' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    // A fresh fork each time: the identity map would otherwise answer with the stale row.
    booking = (await em.fork().findOne(Booking, existing.id)) ?? booking;
  }
  if (booking.status === 'PENDING') throw new StillInProgressError();
  if (booking.status === 'CANCELLED' && booking.cancellationReason === 'PAYMENT_FAILED') return { kind: 'rebook', booking };
  if (booking.status === 'CANCELLED' && booking.cancellationReason === 'PAYMENT_TIMEOUT') return { kind: 'reconcile', booking };
  return { kind: 'answer', booking };
}
