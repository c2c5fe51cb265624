/**
 * A payment process killed between recording a PENDING payment and recording its capture left the
 * row PENDING for ever: booking's scheduled refund found "still being charged" at every retry and a
 * client's retry got "still being processed" for ever (found by `npm run chaos`). The stale charge
 * sweep finishes such charges, once, with the booking id as the processor's idempotency key.
 */
import { randomUUID } from 'node:crypto';
import { asService, initTestApp, type TestApp } from '@wsb/kernel/src/testing';
import { readConfig, type PaymentConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { PaymentServices } from '../src/services';
import { resumeStaleCharges } from '../src/payments';
import { createPaymentSubgraph } from '../src/subgraph';
import { bookingId, RecordingProvider, REFUND } from './helpers';

const provider = new RecordingProvider();
const booking = asService('booking');
const STALE_MS = 60_000;
let app: TestApp<Loaders, PaymentConfig, PaymentServices>;

beforeAll(async () => {
  app = await initTestApp(createPaymentSubgraph(provider), { config: { pendingTimeoutMs: STALE_MS } });
});
afterAll(() => app.close());
beforeEach(() => {
  provider.charges = [];
  provider.refunds = [];
  provider.failCharge = false;
});

/** A PENDING row as createPayment commits it before charging, `ageMs` old. */
async function pendingPayment(ageMs: number, amount = 1800): Promise<string> {
  const id = bookingId();
  await app.orm.em
    .getConnection()
    .execute(`insert into payment (id, booking_id, user_id, amount, currency, status, created_at) values (?, ?, ?, ?, 'EUR', 'PENDING', ?)`, [
      randomUUID(),
      id,
      randomUUID(),
      amount,
      new Date(Date.now() - ageMs),
    ]);
  return id;
}
const statusOf = async (id: string) =>
  (await app.orm.em.getConnection().execute<{ status: string }[]>('select status from payment where booking_id = ?', [id]))[0].status;

it('finishes a charge its crashed request left PENDING, so the refund booking scheduled can go through', async () => {
  const crashed = await pendingPayment(STALE_MS + 5000, 1800);
  const live = await pendingPayment(100);
  // What booking's scheduled refund saw before the sweep: still being charged, nothing refunded.
  expect((await app.run(REFUND, { bookingId: crashed }, booking)).data._refundPayment.status).toBe('PENDING');

  expect(await resumeStaleCharges(app.orm, provider, STALE_MS, app.log)).toBe(1);
  expect(provider.charges).toEqual([{ amount: 1800, currency: 'EUR', reference: crashed }]);
  expect(await statusOf(crashed)).toBe('CAPTURED');
  // A charge younger than the timeout may still be running in its request: left alone.
  expect(await statusOf(live)).toBe('PENDING');

  expect((await app.run(REFUND, { bookingId: crashed }, booking)).data._refundPayment.status).toBe('REFUNDED');
  expect(provider.refunds).toHaveLength(1);
  // Nothing stale is left: a second sweep charges nothing.
  expect(await resumeStaleCharges(app.orm, provider, STALE_MS, app.log)).toBe(0);
  expect(provider.charges).toHaveLength(1);
  await app.orm.em.getConnection().execute(`update payment set status = 'FAILED' where booking_id = ?`, [live]);
});

it('charges once when two instances sweep at the same time', async () => {
  const crashed = await pendingPayment(STALE_MS + 5000);
  provider.delayMs = 50;
  try {
    const counts = await Promise.all([1, 2, 3].map(() => resumeStaleCharges(app.orm, provider, STALE_MS, app.log)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  } finally {
    provider.delayMs = 0;
  }
  expect(provider.charges.map((c) => c.reference)).toEqual([crashed]);
  expect(await statusOf(crashed)).toBe('CAPTURED');
});

it('records FAILED when the processor refuses the resumed charge', async () => {
  const crashed = await pendingPayment(STALE_MS + 5000);
  provider.failCharge = true;
  expect(await resumeStaleCharges(app.orm, provider, STALE_MS, app.log)).toBe(1);
  expect(await statusOf(crashed)).toBe('FAILED');
});

it('reads PAYMENT_PENDING_TIMEOUT_MS, which must be above SERVICE_TIMEOUT_MS', () => {
  expect(readConfig({}).pendingTimeoutMs).toBe(60_000);
  expect(readConfig({ PAYMENT_PENDING_TIMEOUT_MS: '6000' }).pendingTimeoutMs).toBe(6000);
  expect(() => readConfig({ PAYMENT_PENDING_TIMEOUT_MS: '4000' })).toThrow('PAYMENT_PENDING_TIMEOUT_MS (4000) must be above SERVICE_TIMEOUT_MS (5000)');
});
