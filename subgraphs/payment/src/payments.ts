/**
 * Charging and refunding, written so that retries and races never move money twice: the
 * database decides who acts (a unique booking_id for charges, a conditional update for refunds)
 * and only the winner calls the provider.
 */
import { randomUUID } from 'node:crypto';
import { BadUserInputError, DependencyUnavailableError, requireUuid, validMoney } from '@wsb/kernel';
import type { Context } from './context';
import { Payment } from './entities/payment.entity';

/** How long a repeated create waits for the first call's charge before answering with PENDING. */
const PENDING_WAIT_MS = 2000;
const PENDING_POLL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function queryPayment(ctx: Context, sql: string, params: unknown[]): Promise<Payment | null> {
  const [row] = await ctx.em.getConnection().execute<Record<string, unknown>[]>(sql, params, 'all');
  return row ? ctx.em.map(Payment, row) : null;
}

const byBookingId = (ctx: Context, bookingId: string) =>
  queryPayment(ctx, 'select * from payment where booking_id = ?', [bookingId]);

export interface CreatePaymentArgs {
  bookingId: string;
  userId: string;
  amount: { amount: number; currency: string };
}

export async function createPayment(ctx: Context, input: CreatePaymentArgs): Promise<Payment> {
  const bookingId = requireUuid(input.bookingId, 'input.bookingId');
  const userId = requireUuid(input.userId, 'input.userId');
  const { amount, currency } = validMoney(input.amount, 'input.amount');

  // The unique booking_id picks exactly one inserter however many calls race; the others
  // insert nothing and read the inserter's row.
  const inserted = await queryPayment(
    ctx,
    `insert into payment (id, booking_id, user_id, amount, currency, status, created_at)
     values (?, ?, ?, ?, ?, 'PENDING', ?) on conflict (booking_id) do nothing returning *`,
    [randomUUID(), bookingId, userId, amount, currency, new Date()],
  );
  if (!inserted) return existingPayment(ctx, { bookingId, userId, amount, currency });

  // The PENDING row is committed before the charge: if this process dies now, the row shows an
  // unfinished charge instead of the booking being charged with no record of it.
  let providerRef: string;
  try {
    providerRef = await ctx.config.provider.charge(amount, currency, bookingId);
  } catch (err) {
    await ctx.em.getConnection().execute(`update payment set status = 'FAILED' where id = ?`, [inserted.id]);
    ctx.log.warn('payment provider failed to charge', { bookingId, provider: ctx.config.provider.name, err: (err as Error).message });
    throw new DependencyUnavailableError('payment provider', 'The payment could not be taken; please try again shortly.');
  }
  try {
    const captured = await queryPayment(
      ctx,
      `update payment set status = 'CAPTURED', provider_ref = ?, captured_at = ? where id = ? returning *`,
      [providerRef, new Date(), inserted.id],
    );
    return captured!;
  } catch (err) {
    // Money was taken but not recorded: log what an operator needs to reconcile it.
    ctx.log.error('charge captured but not recorded', { bookingId, paymentId: inserted.id, providerRef, err });
    throw err;
  }
}

/** A repeated create: the first call's row, once its charge has finished (or after a short wait). */
async function existingPayment(ctx: Context, expected: { bookingId: string; userId: string; amount: number; currency: string }) {
  const deadline = Date.now() + PENDING_WAIT_MS;
  let payment = await byBookingId(ctx, expected.bookingId);
  while (payment?.status === 'PENDING' && Date.now() < deadline) {
    await sleep(PENDING_POLL_MS);
    payment = await byBookingId(ctx, expected.bookingId);
  }
  // The row exists (a conflict happened and payments are never deleted); the check is for safety.
  if (!payment) throw new Error(`payment for booking ${expected.bookingId} vanished`);
  if (payment.userId !== expected.userId || payment.amount !== expected.amount || payment.currency !== expected.currency) {
    throw new BadUserInputError('This booking already has a payment for a different user or amount.', 'input.bookingId');
  }
  return payment;
}

/** Refunds a captured payment exactly once; later calls and non-captured payments come back unchanged. */
export async function refundPayment(ctx: Context, bookingIdArg: string): Promise<Payment | null> {
  const bookingId = requireUuid(bookingIdArg, 'bookingId');
  // Only the call whose update flips CAPTURED to REFUNDED goes on to the provider.
  const refunded = await queryPayment(
    ctx,
    `update payment set status = 'REFUNDED', refunded_at = ? where booking_id = ? and status = 'CAPTURED' returning *`,
    [new Date(), bookingId],
  );
  if (!refunded) return byBookingId(ctx, bookingId);
  try {
    await ctx.config.provider.refund(refunded.providerRef!);
  } catch (err) {
    // Put the claim back so that a retry can refund: the money has not moved.
    await ctx.em
      .getConnection()
      .execute(`update payment set status = 'CAPTURED', refunded_at = null where id = ? and status = 'REFUNDED'`, [refunded.id]);
    ctx.log.warn('payment provider failed to refund', { bookingId, provider: ctx.config.provider.name, err: (err as Error).message });
    throw new DependencyUnavailableError('payment provider', 'The refund could not be made; please try again shortly.');
  }
  return refunded;
}

/** Captured, not refunded, in the platform currency, created at or after `since`. */
export async function revenueSince(ctx: Context, since: Date): Promise<{ amount: number; currency: string }> {
  const currency = ctx.config.platformCurrency;
  const [row] = await ctx.em
    .getConnection()
    .execute<{ total: string }[]>(
      `select coalesce(sum(amount), 0)::text as total from payment where status = 'CAPTURED' and currency = ? and created_at >= ?`,
      [currency, since],
      'all',
    );
  const amount = Number(row.total);
  // Money.amount is a GraphQL Int (32 bits); say so rather than answer a wrong number.
  if (amount > 2 ** 31 - 1) throw new Error(`revenue ${row.total} ${currency} exceeds the range of Money.amount`);
  return { amount, currency };
}
