/**
 * createBooking, the "Booking Creation Flow": validate, check user and workspace, hold the slot
 * (PENDING), take the payment, confirm. The slot is held by the database's exclusion constraint
 * from the first commit on, so two requests can never both pay for one slot; the payment runs
 * outside any transaction, so no database connection waits on the payment subgraph.
 */
import { BadUserInputError, DependencyUnavailableError, NotFoundError, UnauthenticatedError } from '@wsb/kernel';
import { DeadlockException, type EntityManager } from '@mikro-orm/postgresql';
import type { CreateBookingInput } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import { createPayment, loadUserAndWorkspace, type Money, type UserProfile, type WorkspaceInfo } from '../dependencies';
import { Booking } from '../entities/booking.entity';
import { BOOKING_CREATED, bookingPayload, enqueue } from '../outbox/events';
import { findByKey, replay, requestHash } from './idempotency';
import { priceFor } from './price';
import { lockWorkspaceSlots } from './slot-lock';
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
  // (a start that was in the future when the key was first used).
  if (request.idempotencyKey) {
    const existing = await findByKey(ctx.em, userId, request.idempotencyKey);
    if (existing) return replay(ctx.em, existing, hash);
  }

  checkBookingWindow(request, new Date());
  const { user, workspace } = await loadParties(ctx, userId, request);
  const price = priceFor(workspace.hourlyRate, request.startsAt, request.endsAt);
  if (price.amount > MAX_PRICE_AMOUNT) throw new BadUserInputError('The price of this booking is too high; book a shorter time.', 'endsAt');

  let booking: Booking;
  try {
    booking = await holdSlot(ctx.em, userId, request, hash, price);
  } catch (err) {
    // Concurrent requests with one key all pass the look-up above; the losers hit the unique key
    // (or the overlap constraint, whichever PostgreSQL checks first) and answer with the winner's.
    const winner = request.idempotencyKey ? await findByKey(ctx.em, userId, request.idempotencyKey) : null;
    if (winner) return replay(ctx.em, winner, hash);
    // The driver's own error, unwrapped: the kernel maps SQLSTATE 23P01 to BOOKING_CONFLICT.
    throw err;
  }

  await pay(ctx, booking);
  await confirm(ctx, booking, user, workspace);
  ctx.loaders.outbox.kick();
  return booking;
}

async function loadParties(ctx: Context, userId: string, request: BookingRequest) {
  const [user, workspace] = await loadUserAndWorkspace(ctx, userId, request.workspaceId);
  if (!user) throw new UnauthenticatedError('Your account no longer exists; please sign in again.');
  if (!workspace) throw new NotFoundError('Workspace', request.workspaceId);
  if (!workspace.active) throw new BadUserInputError('This workspace is archived and cannot be booked.', 'workspaceId');
  if (request.attendees > workspace.capacity) {
    throw new BadUserInputError(
      `attendees (${request.attendees}) exceeds the workspace's capacity (${workspace.capacity}).`,
      'attendees',
    );
  }
  return { user, workspace };
}

/**
 * Inserts the PENDING booking in its own short transaction, committed before the payment starts so
 * the slot is visibly held. Behind the workspace's slot lock a conflict is a plain 23P01; a
 * deadlock (40P01) can still come from the idempotency key's unique index, and is retried.
 */
async function holdSlot(em: EntityManager, userId: string, request: BookingRequest, hash: string, price: Money): Promise<Booking> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await insertPending(em, userId, request, hash, price);
    } catch (err) {
      if (!(err instanceof DeadlockException) || attempt >= MAX_HOLD_ATTEMPTS) throw err;
      // Jittered, so the deadlocked requests do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

async function insertPending(em: EntityManager, userId: string, request: BookingRequest, hash: string, price: Money): Promise<Booking> {
  return em.fork().transactional(async (tx) => {
    await lockWorkspaceSlots(tx, request.workspaceId);
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
      if (await releasePending(ctx.em, booking, 'PAYMENT_FAILED', { refund: paymentOutcomeUnknown(err), now })) {
        Object.assign(booking, { status: 'CANCELLED', cancellationReason: 'PAYMENT_FAILED', cancelledAt: now, updatedAt: now });
      }
    } catch (releaseErr) {
      ctx.log.error('booking not released after a failed payment; the pending sweeper will', { bookingId: booking.id, err: releaseErr });
    }
    throw err;
  }
}

/** PENDING -> CONFIRMED and the booking.created event, in one transaction. */
async function confirm(ctx: Context, booking: Booking, user: UserProfile, workspace: WorkspaceInfo): Promise<void> {
  const now = new Date();
  const parties = { userEmail: user.email, userName: user.name, workspaceName: workspace.name, workspaceTimezone: workspace.timezone };
  const confirmed = await ctx.em.fork().transactional(async (tx) => {
    // CONFIRMED rows enter the overlap index anew, so this write lines up with the inserts.
    await lockWorkspaceSlots(tx, booking.workspaceId);
    const updated = await tx.nativeUpdate(Booking, { id: booking.id, status: 'PENDING' }, { status: 'CONFIRMED', updatedAt: now });
    if (updated) enqueue(tx, BOOKING_CREATED, bookingPayload(booking, parties, now));
    return updated > 0;
  });
  if (!confirmed) {
    // Only the pending sweeper moves a PENDING booking it did not create: the payment outlived
    // the pending timeout, and the sweeper has scheduled its refund.
    throw new DependencyUnavailableError('payment', 'The payment took too long and the booking was released; please try again.');
  }
  Object.assign(booking, { status: 'CONFIRMED', updatedAt: now });
}
