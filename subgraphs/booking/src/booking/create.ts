/**
 * createBooking, the "Booking Creation Flow": validate, check user and workspace, hold the slot
 * (PENDING), take the payment, confirm. The slot is held by the database's exclusion constraint
 * from the first commit on, so two requests can never both pay for one slot; the payment runs
 * outside any transaction, so no database connection waits on the payment subgraph.
 */
import { randomUUID } from 'node:crypto';
import { BadUserInputError, currentTraceCarrier, DependencyUnavailableError, NotFoundError, UnauthenticatedError } from '@wsb/kernel';
import { DeadlockException, type EntityManager } from '@mikro-orm/postgresql';
import type { CreateBookingInput } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import { createPayment, loadUserAndWorkspace, paymentOf, type Money, type UserProfile, type WorkspaceInfo } from '../dependencies';
import { Booking } from '../entities/booking.entity';
import { BOOKING_CREATED, BOOKING_PAYMENT_FAILED, bookingPayload, enqueue } from '../outbox/events';
import { findByKey, requestHash, settleRetry, StillInProgressError } from './idempotency';
import { priceFor } from './price';
import { lockWorkspaceSlots, SLOT_LOCK_SQL, slotLockParams } from './slot-lock';
import { paymentOutcomeUnknown, releasePending } from './recovery';
import { checkBookingWindow, parseBookingInput, type BookingRequest } from './validation';

/** Largest amount GraphQL's Int and the integer column hold. */
const MAX_PRICE_AMOUNT = 2_147_483_647;
/** Deadlocked inserts are retried this often before the error is given up on. */
const MAX_HOLD_ATTEMPTS = 8;

export async function createBooking(ctx: Context, input: CreateBookingInput): Promise<Booking> {
  if (!ctx.user) throw new UnauthenticatedError();
  const userId = ctx.user.id;
  const request = parseBookingInput(input);
  const hash = requestHash(request);

  // A retry is answered with what its key made, before any rule that time may have changed
  // (a start that was in the future when the key was first used), unless that attempt ended
  // without a booking: then it runs again, taking the key over from the cancelled attempt.
  let retired: Booking | undefined;
  if (request.idempotencyKey) {
    const existing = await findByKey(ctx.em, userId, request.idempotencyKey);
    if (existing) {
      const decision = await settleRetry(ctx.em, existing, hash);
      if (decision.kind === 'answer') return decision.booking;
      if (decision.kind === 'reconcile') {
        const kept = await keepCapturedPayment(ctx, decision.booking, request);
        if (kept) return kept;
      }
      retired = decision.booking;
    }
  }

  checkBookingWindow(request, new Date());
  const { user, workspace } = await loadParties(ctx, userId, request);
  const price = priceFor(workspace.hourlyRate, request.startsAt, request.endsAt);
  if (price.amount > MAX_PRICE_AMOUNT) throw new BadUserInputError('The price of this booking is too high; book a shorter time.', 'endsAt');

  let booking: Booking;
  try {
    booking = await holdSlot(ctx.em, { userId, request, hash, price, retired });
  } catch (err) {
    // Concurrent requests with one key all pass the look-up above; the losers hit the unique key
    // (or the overlap constraint, whichever PostgreSQL checks first, or found the key taken over
    // by another retry) and answer with the winner's booking.
    const winner = request.idempotencyKey ? await findByKey(ctx.em, userId, request.idempotencyKey) : null;
    if (winner && winner.id !== retired?.id) {
      const decision = await settleRetry(ctx.em, winner, hash);
      if (decision.kind === 'answer') return decision.booking;
      throw new StillInProgressError();
    }
    // The driver's own error, unwrapped: the kernel maps SQLSTATE 23P01 to BOOKING_CONFLICT.
    throw err;
  }

  await pay(ctx, booking);
  await confirm(ctx, booking, user, workspace);
  ctx.services.outbox.kick();
  return booking;
}

/**
 * The first attempt's payment timed out, so whether money was taken was unknown, and a refund was
 * scheduled for later. Payment is idempotent per booking, so it is asked, not charged again:
 * - captured, and the refund has not gone out: that booking is confirmed after all, with its one
 *   charge, if the slot is still free (else BOOKING_CONFLICT, and the refund goes ahead);
 * - still being charged: a retryable error;
 * - anything else (nothing taken, failed, already refunded): undefined, and the booking runs
 *   again as a new attempt (any late capture of the old one is refunded by the scheduled refund).
 */
async function keepCapturedPayment(ctx: Context, booking: Booking, request: BookingRequest): Promise<Booking | undefined> {
  const payment = await paymentOf(ctx, booking.id);
  if (payment?.status === 'PENDING') throw new StillInProgressError();
  if (payment?.status !== 'CAPTURED') return undefined;
  const { user, workspace } = await loadParties(ctx, booking.userId, request);
  const now = new Date();
  const parties = { userEmail: user.email, userName: user.name, workspaceName: workspace.name, workspaceTimezone: workspace.timezone };
  const kept = await ctx.em.fork().transactional(async (tx) => {
    await lockWorkspaceSlots(tx, booking.workspaceId);
    // Only a refund no relay has claimed is withdrawn: one being sent now may already be with
    // payment, so the booking runs again instead and that refund completes.
    const [{ count }] = await tx.execute<{ count: string }[]>(
      `with cancelled as (
         delete from outbox_event
         where type = ? and payload ->> 'bookingId' = ? and published_at is null and (claimed_until is null or claimed_until < ?)
         returning 1)
       select count(*) as count from cancelled`,
      [BOOKING_PAYMENT_FAILED, booking.id, now],
    );
    if (Number(count) === 0) return false;
    // Back into the overlap index: 23P01 (BOOKING_CONFLICT) when the slot was taken meanwhile,
    // and the rollback puts the refund back.
    const revived = await tx.nativeUpdate(
      Booking,
      { id: booking.id, status: 'CANCELLED', cancellationReason: 'PAYMENT_TIMEOUT' },
      { status: 'CONFIRMED', cancellationReason: null, cancelledAt: null, updatedAt: now },
    );
    if (!revived) throw new StillInProgressError();
    Object.assign(booking, { status: 'CONFIRMED', cancellationReason: null, cancelledAt: null, updatedAt: now });
    enqueue(tx, BOOKING_CREATED, bookingPayload(booking, parties, now));
    return true;
  });
  if (!kept) return undefined;
  ctx.services.outbox.kick();
  return booking;
}

async function loadParties(ctx: Context, userId: string, request: BookingRequest) {
  const [user, workspace] = await loadUserAndWorkspace(ctx, userId, request.workspaceId);
  if (!user) throw new UnauthenticatedError('Your account no longer exists; please sign in again.');
  if (!workspace) throw new NotFoundError('Workspace', request.workspaceId);
  if (!workspace.active) throw new BadUserInputError('This workspace is archived and cannot be booked.', 'workspaceId');
  if (request.attendees > workspace.capacity) {
    throw new BadUserInputError(`attendees (${request.attendees}) exceeds the workspace's capacity (${workspace.capacity}).`, 'attendees');
  }
  return { user, workspace };
}

/**
 * Inserts the PENDING booking in its own short transaction, committed before the payment starts so
 * the slot is visibly held. Behind the workspace's slot lock a conflict is a plain 23P01; a
 * deadlock (40P01) can still come from the idempotency key's unique index, and is retried.
 */
/** What a new attempt inserts, and the cancelled attempt whose key it takes over, if any. */
interface PendingHold {
  userId: string;
  request: BookingRequest;
  hash: string;
  price: Money;
  retired?: Booking;
}

async function holdSlot(em: EntityManager, hold: PendingHold): Promise<Booking> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await insertPending(em, hold);
    } catch (err) {
      if (!(err instanceof DeadlockException) || attempt >= MAX_HOLD_ATTEMPTS) throw err;
      // Jittered, so the deadlocked requests do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

async function insertPending(em: EntityManager, hold: PendingHold): Promise<Booking> {
  const { userId, request, hash, price, retired } = hold;
  if (!retired) {
    // The common case in one statement (its own transaction): the slot lock, then the insert,
    // checked by the constraints before the lock is let go at its commit.
    const now = new Date();
    const [row] = await em.getConnection().execute<Record<string, unknown>[]>(
      `with slot as (${SLOT_LOCK_SQL})
       insert into booking (id, user_id, workspace_id, starts_at, ends_at, attendees, status, price_amount, price_currency,
                            idempotency_key, request_hash, created_at, updated_at)
       select ?::uuid, ?::uuid, ?::uuid, ?::timestamptz, ?::timestamptz, ?::int, 'PENDING', ?::int, ?, ?, ?, ?::timestamptz, ?::timestamptz from slot
       returning *`,
      [
        ...slotLockParams(request.workspaceId),
        randomUUID(),
        userId,
        request.workspaceId,
        request.startsAt,
        request.endsAt,
        request.attendees,
        price.amount,
        price.currency,
        request.idempotencyKey ?? null,
        request.idempotencyKey ? hash : null,
        now,
        now,
      ],
      'all',
    );
    return em.fork().map(Booking, row);
  }
  return em.fork().transactional(async (tx) => {
    await lockWorkspaceSlots(tx, request.workspaceId);
    // The new attempt takes the key over from the cancelled one, in the same transaction as
    // its insert: of two concurrent retries only one finds the key still there.
    const moved = await tx.nativeUpdate(Booking, { id: retired.id, idempotencyKey: request.idempotencyKey }, { idempotencyKey: null });
    if (!moved) throw new StillInProgressError();
    // Flushed (and checked by the constraints) when the transaction commits.
    return tx.create(Booking, {
      userId,
      workspaceId: request.workspaceId,
      startsAt: request.startsAt,
      endsAt: request.endsAt,
      attendees: request.attendees,
      status: 'PENDING',
      priceAmount: price.amount,
      priceCurrency: price.currency,
      idempotencyKey: request.idempotencyKey,
      requestHash: request.idempotencyKey ? hash : null,
    });
  });
}

/** Critical: without a payment the booking is released and the payment's error reaches the client. */
async function pay(ctx: Context, booking: Booking): Promise<void> {
  try {
    await createPayment(ctx, booking.id, booking.userId, { amount: booking.priceAmount, currency: booking.priceCurrency });
  } catch (err) {
    try {
      const now = new Date();
      // Nothing was charged (PAYMENT_FAILED): a retry books again. Unknown (PAYMENT_TIMEOUT): a
      // refund is scheduled, and a retry first asks payment what happened.
      const unknown = paymentOutcomeUnknown(err);
      const reason = unknown ? 'PAYMENT_TIMEOUT' : 'PAYMENT_FAILED';
      if (await releasePending(ctx.em, booking, reason, { refund: unknown, now, refundDelayMs: ctx.config.refundDelayMs })) {
        Object.assign(booking, { status: 'CANCELLED', cancellationReason: reason, cancelledAt: now, updatedAt: now });
      }
    } catch (releaseErr) {
      ctx.log.error('booking not released after a failed payment; the pending sweeper will', { bookingId: booking.id, err: releaseErr });
    }
    throw err;
  }
}

/**
 * PENDING -> CONFIRMED and the booking.created event, in one statement (one transaction): the
 * slot lock first (CONFIRMED rows enter the overlap index anew, so this write lines up with the
 * inserts), then the update, and the event only when the update found the booking still PENDING.
 */
async function confirm(ctx: Context, booking: Booking, user: UserProfile, workspace: WorkspaceInfo): Promise<void> {
  const now = new Date();
  const parties = { userEmail: user.email, userName: user.name, workspaceName: workspace.name, workspaceTimezone: workspace.timezone };
  const event = { id: randomUUID(), type: BOOKING_CREATED, payload: bookingPayload(booking, parties, now) };
  // The request's trace context goes with the event (as enqueue does), so its delivery joins this trace.
  const carrier = currentTraceCarrier();
  const traceJson = carrier ? JSON.stringify(carrier) : null;
  const confirmed = await ctx.em.getConnection().execute<{ id: string }[]>(
    `with slot as (${SLOT_LOCK_SQL}),
     confirmed as (
       update booking set status = 'CONFIRMED', updated_at = ?
       where id = ? and status = 'PENDING' and exists (select 1 from slot)
       returning id)
     insert into outbox_event (id, type, payload, attempts, next_attempt_at, created_at, trace_context)
     select ?::uuid, ?, ?::jsonb, 0, ?::timestamptz, ?::timestamptz, ?::jsonb from confirmed
     returning id`,
    [...slotLockParams(booking.workspaceId), now, booking.id, event.id, event.type, JSON.stringify(event.payload), now, now, traceJson],
    'all',
  );
  if (!confirmed.length) {
    // Only the pending sweeper moves a PENDING booking it did not create: the payment outlived
    // the pending timeout, and the sweeper has scheduled its refund.
    throw new DependencyUnavailableError('payment', 'The payment took too long and the booking was released; please try again.');
  }
  Object.assign(booking, { status: 'CONFIRMED', updatedAt: now });
}
