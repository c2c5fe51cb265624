/**
 * The same idempotencyKey from the same user returns the first booking, never a second booking or
 * a second charge. The key is unique per user in the database, so even concurrent requests with
 * one key end up with one row; the request hash tells a true retry from a different booking
 * that reuses a key.
 */
import { createHash } from 'node:crypto';
import { BadUserInputError } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Booking } from '../entities/booking.entity';
import type { BookingRequest } from './validation';

/** How long a retry waits for the first request's payment to settle before answering. */
const SETTLE_TIMEOUT_MS = 5000;
const SETTLE_POLL_MS = 100;

/** sha256 over the canonical request: what the booking is, not how the client spelled it. */
export function requestHash(request: BookingRequest): string {
  const canonical = JSON.stringify([
    request.workspaceId.toLowerCase(),
    request.startsAt.toISOString(),
    request.endsAt.toISOString(),
    request.attendees,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export async function findByKey(em: EntityManager, userId: string, key: string): Promise<Booking | null> {
  return em.fork().findOne(Booking, { userId, idempotencyKey: key });
}

/**
 * Answers a retry with the booking its key made. While the first request is still paying
 * (PENDING), waits briefly for the outcome; after that the booking is returned as it is.
 */
export async function replay(em: EntityManager, existing: Booking, hash: string): Promise<Booking> {
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
  return booking;
}
