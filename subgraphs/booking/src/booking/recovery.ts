/**
 * Releasing a slot whose payment did not go through. A booking is never left PENDING or
 * CONFIRMED without a payment: a failed payment cancels it at once, and a PENDING booking whose
 * request died (crash, lost connection) is cancelled by the sweeper once it is clearly stale.
 */
import { CircuitOpenError, DomainError, PeriodicTask, type Logger } from '@wsb/kernel';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Booking, type CancellationReason } from '../entities/booking.entity';
import { BOOKING_PAYMENT_FAILED, enqueue, type BookingPaymentFailedPayload } from '../outbox/events';

/**
 * A timed-out _createPayment may still finish on the payment side; the refund it needs waits
 * until that call has surely ended (BOOKING_REFUND_DELAY_MS), so it finds the payment instead of nothing.
 */
const DEFAULT_REFUND_DELAY_MS = 30_000;

/**
 * Only an answer from the payment subgraph proves no charge was taken; a timeout proves nothing. An
 * open circuit proves it too: the call was never sent.
 */
export function paymentOutcomeUnknown(err: unknown): boolean {
  if (err instanceof CircuitOpenError) return false;
  return !(err instanceof DomainError) || err.code === 'DEPENDENCY_UNAVAILABLE' || err.code === 'INTERNAL_SERVER_ERROR';
}

/**
 * PENDING -> CANCELLED in one transaction, with a refund event when a charge may exist. The update
 * is conditional on PENDING, so it never races a confirmation or another sweeper into a double
 * cancel. Returns whether this call released it.
 */
export async function releasePending(
  em: EntityManager,
  booking: Pick<Booking, 'id' | 'userId'>,
  reason: CancellationReason,
  options: { refund: boolean; now?: Date; refundDelayMs?: number },
): Promise<boolean> {
  const refundDelayMs = options.refundDelayMs ?? DEFAULT_REFUND_DELAY_MS;
  const now = options.now ?? new Date();
  return em.fork().transactional(async (tx) => {
    const released = await tx.nativeUpdate(
      Booking,
      { id: booking.id, status: 'PENDING' },
      { status: 'CANCELLED', cancellationReason: reason, cancelledAt: now, updatedAt: now },
    );
    if (released && options.refund) {
      const payload: BookingPaymentFailedPayload = { bookingId: booking.id, userId: booking.userId, occurredAt: now.toISOString() };
      enqueue(tx, BOOKING_PAYMENT_FAILED, payload, { notBefore: new Date(now.getTime() + refundDelayMs) });
    }
    return released > 0;
  });
}

/** Cancels PENDING bookings older than `olderThanMs`; returns how many it released. */
export async function sweepStalePending(orm: MikroORM, olderThanMs: number, log: Logger, refundDelayMs = DEFAULT_REFUND_DELAY_MS): Promise<number> {
  const em = orm.em.fork();
  const stale = await em.find(Booking, { status: 'PENDING', createdAt: { $lt: new Date(Date.now() - olderThanMs) } }, { limit: 100 });
  let released = 0;
  for (const booking of stale) {
    if (await releasePending(em, booking, 'PAYMENT_TIMEOUT', { refund: true, refundDelayMs })) released += 1;
  }
  if (released) log.warn('cancelled stale pending bookings', { count: released });
  return released;
}

/** Runs the sweep on a timer (the refunds it schedules are due later, so the relay's poll sends them). */
export class PendingSweeper extends PeriodicTask {
  constructor(orm: MikroORM, olderThanMs: number, log: Logger, refundDelayMs = DEFAULT_REFUND_DELAY_MS) {
    super('pending sweep', Math.min(30_000, Math.round(olderThanMs / 4)), () => sweepStalePending(orm, olderThanMs, log, refundDelayMs), log);
  }
}
