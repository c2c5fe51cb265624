/**
 * Charging and refunding, written so that retries and races never move money twice: the
 * database decides who acts (a unique booking_id for charges, a conditional update for refunds)
 * and only the winner calls the provider.
 */
import { randomUUID } from 'node:crypto';
import { BadUserInputError, DependencyUnavailableError, PeriodicTask, requireUuid, validMoney, type Logger } from '@wsb/kernel';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Context } from './context';
import { Payment } from './entities/payment.entity';
import type { PaymentProvider } from './provider';

/** How long a repeated create waits for the first call's charge before answering with PENDING. */
const PENDING_WAIT_MS = 2000;
const PENDING_POLL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function queryPayment(ctx: Context, sql: string, params: unknown[]): Promise<Payment | null> {
  const [row] = await ctx.em.getConnection().execute<Record<string, unknown>[]>(sql, params, 'all');
  return row ? ctx.em.map(Payment, row) : null;
}

const byBookingId = (ctx: Context, bookingId: string) => queryPayment(ctx, 'select * from payment where booking_id = ?', [bookingId]);

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
  const run: RunSql = (sql, params) => ctx.em.getConnection().execute(sql, params, 'all');
  return completeCharge(run, ctx.em, ctx.services.provider, ctx.log, inserted);
}

type RunSql = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Takes the money for a PENDING payment and records the outcome. Both writes are conditional on
 * PENDING, so a charge resumed by the recovery sweep (resumeStaleCharges) and a late original
 * request never overwrite each other's outcome.
 */
async function completeCharge(run: RunSql, em: EntityManager, provider: PaymentProvider, log: Logger, payment: Payment): Promise<Payment> {
  let providerRef: string;
  try {
    providerRef = await provider.charge(payment.amount, payment.currency, payment.bookingId);
  } catch (err) {
    await run(`update payment set status = 'FAILED' where id = ? and status = 'PENDING'`, [payment.id]);
    log.warn('payment provider failed to charge', { bookingId: payment.bookingId, provider: provider.name, err: (err as Error).message });
    throw new DependencyUnavailableError('payment provider', 'The payment could not be taken; please try again shortly.');
  }
  try {
    const [captured] = await run(`update payment set status = 'CAPTURED', provider_ref = ?, captured_at = ? where id = ? and status = 'PENDING' returning *`, [
      providerRef,
      new Date(),
      payment.id,
    ]);
    const [row] = captured ? [captured] : await run('select * from payment where id = ?', [payment.id]);
    return em.map(Payment, row);
  } catch (err) {
    // Money was taken but not recorded: log what an operator needs to reconcile it.
    log.error('charge captured but not recorded', { bookingId: payment.bookingId, paymentId: payment.id, providerRef, err });
    throw err;
  }
}

/**
 * Finishes charges whose request died between recording the PENDING payment and recording its
 * outcome (the payment process was killed, the database went away). Older than `staleMs` nobody
 * is charging them any more, and until they settle booking can neither refund nor confirm them.
 * The charge is repeated with the booking id as the processor's idempotency key, so money taken
 * before the crash is recorded, not taken twice. The rows stay locked (skip locked) while they are
 * finished, so two instances never finish the same one. Returns how many it finished.
 */
export async function resumeStaleCharges(orm: MikroORM, provider: PaymentProvider, staleMs: number, log: Logger): Promise<number> {
  return orm.em.fork().transactional(async (tx) => {
    const run: RunSql = (sql, params) => tx.getConnection().execute(sql, params, 'all', tx.getTransactionContext());
    const rows = await run(`select * from payment where status = 'PENDING' and created_at < ? order by created_at limit 20 for update skip locked`, [
      new Date(Date.now() - staleMs),
    ]);
    for (const row of rows) {
      const payment = tx.map(Payment, row);
      const outcome = await completeCharge(run, tx, provider, log, payment).catch(() => undefined);
      log.warn('resumed a charge left unfinished', { bookingId: payment.bookingId, paymentId: payment.id, status: outcome?.status ?? 'FAILED' });
    }
    return rows.length;
  });
}

/** Runs resumeStaleCharges on a timer, from start-up on (a crash leaves its charges to the next process). */
export class StaleChargeSweeper extends PeriodicTask {
  constructor(orm: MikroORM, provider: PaymentProvider, staleMs: number, log: Logger) {
    super('stale charge sweep', Math.max(1000, Math.round(staleMs / 4)), () => resumeStaleCharges(orm, provider, staleMs, log), log, true);
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
  const refunded = await queryPayment(ctx, `update payment set status = 'REFUNDED', refunded_at = ? where booking_id = ? and status = 'CAPTURED' returning *`, [
    new Date(),
    bookingId,
  ]);
  if (!refunded) return byBookingId(ctx, bookingId);
  try {
    await ctx.services.provider.refund(refunded.providerRef!);
  } catch (err) {
    // Put the claim back so that a retry can refund: the money has not moved.
    await ctx.em.getConnection().execute(`update payment set status = 'CAPTURED', refunded_at = null where id = ? and status = 'REFUNDED'`, [refunded.id]);
    ctx.log.warn('payment provider failed to refund', { bookingId, provider: ctx.services.provider.name, err: (err as Error).message });
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
