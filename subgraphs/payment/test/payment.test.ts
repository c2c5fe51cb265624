import { asGateway, asService, initTestApp, type TestApp } from '@wsb/kernel/src/testing';
import { ConfigError } from '@wsb/kernel';
import { readConfig, type PaymentConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { PaymentServices } from '../src/services';
import { createPaymentSubgraph, paymentSubgraph } from '../src/subgraph';
import { bookingId, CREATE, RecordingProvider, REFUND } from './helpers';

const booking = asService('booking');
const userId = '00000000-0000-4000-8000-000000000002';
const provider = new RecordingProvider();
let app: TestApp<Loaders, PaymentConfig, PaymentServices>;

/** The stored rows, read with SQL; timestamps (which the driver returns as text) as Dates. */
async function rows(bookingIds: string[]): Promise<Record<string, any>[]> {
  const result = await app.orm.em
    .fork()
    .getConnection()
    .execute('select id, status, amount, currency, provider_ref, captured_at, refunded_at from payment where booking_id in (?)', [bookingIds]);
  return result.map((row: Record<string, any>) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k.endsWith('_at') && v !== null ? new Date(v) : v])),
  );
}
const input = (id: string, amount = 4200, currency = 'EUR') => ({ input: { bookingId: id, userId, amount: { amount, currency } } });

beforeAll(async () => {
  app = await initTestApp(createPaymentSubgraph(provider));
});
afterAll(() => app.close());
beforeEach(() => {
  Object.assign(provider, { charges: [], refunds: [], failCharge: false, failRefund: false, delayMs: 0 });
});

describe('_createPayment', () => {
  it('charges the provider once and records a captured payment', async () => {
    const id = bookingId();
    const { data, errors } = await app.run(CREATE, input(id), booking);
    expect(errors).toBeUndefined();
    expect(data._createPayment).toMatchObject({ status: 'CAPTURED', amount: { amount: 4200, currency: 'EUR' }, refundedAt: null, booking: { id } });
    expect(provider.charges).toEqual([{ amount: 4200, currency: 'EUR', reference: id }]);
    const [row] = await rows([id]);
    expect(row).toMatchObject({ id: data._createPayment.id, status: 'CAPTURED', amount: 4200, currency: 'EUR', provider_ref: 'rec_1', refunded_at: null });
    expect(row.captured_at).toBeInstanceOf(Date);
  });

  it('answers a retry with the same payment and never charges twice', async () => {
    const id = bookingId();
    const first = (await app.run(CREATE, input(id), booking)).data._createPayment;
    const second = (await app.run(CREATE, input(id), booking)).data._createPayment;
    expect(second).toEqual(first);
    expect(provider.charges).toHaveLength(1);
    expect(await rows([id])).toHaveLength(1);
  });

  it('creates one payment and one charge for ten concurrent calls', async () => {
    provider.delayMs = 50; // the charge is still running while the others arrive
    const id = bookingId();
    const results = await Promise.all(Array.from({ length: 10 }, () => app.run(CREATE, input(id), booking)));
    expect(results.map((r) => r.errors)).toEqual(Array(10).fill(undefined));
    const ids = new Set(results.map((r) => r.data._createPayment.id));
    expect(ids.size).toBe(1);
    // The losers wait for the winner's charge, so everyone sees the captured payment.
    expect(results.map((r) => r.data._createPayment.status)).toEqual(Array(10).fill('CAPTURED'));
    expect(provider.charges).toHaveLength(1);
    expect(await rows([id])).toHaveLength(1);
  });

  it('refuses a repeated booking id with a different amount', async () => {
    const id = bookingId();
    await app.run(CREATE, input(id), booking);
    const { errors } = await app.run(CREATE, input(id, 9999), booking);
    expect(errors?.[0]).toMatchObject({
      message: 'This booking already has a payment for a different user or amount.',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.bookingId' },
    });
    expect(provider.charges).toHaveLength(1);
  });

  it.each([
    ['a negative amount', input(bookingId(), -1), 'input.amount.amount must be a whole number of minor units (cents), 0 or more.'],
    ['an unknown currency', input(bookingId(), 100, 'EURO'), 'input.amount.currency must be an ISO-4217 code such as EUR, got "EURO".'],
    ['a malformed booking id', input('nope'), 'input.bookingId is not a valid id.'],
    ['a malformed user id', { input: { ...input(bookingId()).input, userId: 'nope' } }, 'input.userId is not a valid id.'],
  ])('rejects %s', async (_label, variables, message) => {
    const { errors } = await app.run(CREATE, variables, booking);
    expect(errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    expect(provider.charges).toHaveLength(0);
  });

  it('accepts a free booking and a lower-case currency', async () => {
    const { data } = await app.run(CREATE, input(bookingId(), 0, 'usd'), booking);
    expect(data._createPayment).toMatchObject({ status: 'CAPTURED', amount: { amount: 0, currency: 'USD' } });
  });

  it('records FAILED when the provider fails, and a retry does not charge again', async () => {
    provider.failCharge = true;
    const id = bookingId();
    const { data, errors } = await app.run(CREATE, input(id), booking);
    expect(data).toBeNull();
    expect(errors?.[0]).toMatchObject({
      message: 'The payment could not be taken; please try again shortly.',
      extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'payment provider' },
    });
    expect((await rows([id]))[0]).toMatchObject({ status: 'FAILED', provider_ref: null, captured_at: null });
    provider.failCharge = false;
    const retry = await app.run(CREATE, input(id), booking);
    expect(retry.data._createPayment.status).toBe('FAILED');
    expect(provider.charges).toHaveLength(0);
  });
});

describe('_refundPayment', () => {
  it('refunds a captured payment exactly once', async () => {
    const id = bookingId();
    const created = (await app.run(CREATE, input(id), booking)).data._createPayment;
    const first = await app.run(REFUND, { bookingId: id }, booking);
    expect(first.errors).toBeUndefined();
    expect(first.data._refundPayment).toMatchObject({ id: created.id, status: 'REFUNDED' });
    expect(new Date(first.data._refundPayment.refundedAt).getTime()).toBeGreaterThan(0);
    const second = await app.run(REFUND, { bookingId: id }, booking);
    expect(second.data._refundPayment).toEqual(first.data._refundPayment);
    expect(provider.refunds).toEqual(['rec_1']);
    expect((await rows([id]))[0]).toMatchObject({ status: 'REFUNDED', refunded_at: new Date(first.data._refundPayment.refundedAt) });
  });

  it('refunds once under concurrent calls', async () => {
    const id = bookingId();
    await app.run(CREATE, input(id), booking);
    provider.delayMs = 30;
    const results = await Promise.all(Array.from({ length: 5 }, () => app.run(REFUND, { bookingId: id }, booking)));
    expect(results.map((r) => r.data._refundPayment.status)).toEqual(Array(5).fill('REFUNDED'));
    expect(provider.refunds).toHaveLength(1);
  });

  it('answers null for a booking without a payment', async () => {
    const { data, errors } = await app.run(REFUND, { bookingId: bookingId() }, booking);
    expect(errors).toBeUndefined();
    expect(data._refundPayment).toBeNull();
  });

  it('keeps the payment captured when the provider cannot refund, so a retry can', async () => {
    const id = bookingId();
    await app.run(CREATE, input(id), booking);
    provider.failRefund = true;
    const failed = await app.run(REFUND, { bookingId: id }, booking);
    expect(failed.errors?.[0]).toMatchObject({
      message: 'The refund could not be made; please try again shortly.',
      extensions: { code: 'DEPENDENCY_UNAVAILABLE' },
    });
    expect((await rows([id]))[0]).toMatchObject({ status: 'CAPTURED', refunded_at: null });
    provider.failRefund = false;
    expect((await app.run(REFUND, { bookingId: id }, booking)).data._refundPayment.status).toBe('REFUNDED');
    expect(provider.refunds).toEqual(['rec_1']);
  });
});

describe('_revenueSince', () => {
  const REVENUE = 'query ($since: DateTime!) { _revenueSince(since: $since) { amount currency } }';

  it('sums captured, unrefunded payments in the platform currency from the given time', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const em = app.orm.em.fork();
    // Whatever earlier tests created counts too; start from a clean slate in the window.
    await em.getConnection().execute(`update payment set created_at = created_at - interval '1 day'`);
    const [a, b, refunded, usd, old] = [bookingId(), bookingId(), bookingId(), bookingId(), bookingId()];
    await app.run(CREATE, input(a, 1000), booking);
    await app.run(CREATE, input(b, 250), booking);
    await app.run(CREATE, input(refunded, 4000), booking);
    await app.run(REFUND, { bookingId: refunded }, booking);
    await app.run(CREATE, input(usd, 700, 'USD'), booking);
    await app.run(CREATE, input(old, 8000), booking);
    await em.getConnection().execute(`update payment set created_at = ? where booking_id = ?`, [new Date(Date.parse(since) - 1), old]);
    provider.failCharge = true;
    await app.run(CREATE, input(bookingId(), 900), booking);

    const { data, errors } = await app.run(REVENUE, { since }, asService('admin'));
    expect(errors).toBeUndefined();
    expect(data._revenueSince).toEqual({ amount: 1250, currency: 'EUR' });
    const later = await app.run(REVENUE, { since: new Date(Date.now() + 60_000).toISOString() }, asService('admin'));
    expect(later.data._revenueSince).toEqual({ amount: 0, currency: 'EUR' });
  });

  it('is for platform services only', async () => {
    const { errors } = await app.run(REVENUE, { since: '2026-01-01T00:00:00Z' }, asGateway({ id: userId, role: 'ADMIN' }));
    expect(errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('configuration', () => {
  it('defaults to the simulated provider and EUR', async () => {
    const config = readConfig({});
    expect(config).toMatchObject({ paymentProvider: 'simulated', platformCurrency: 'EUR' });
    // The processor the settings select is a service of the app.
    const plain = await initTestApp(paymentSubgraph);
    try {
      expect(plain.services.provider.name).toBe('simulated');
    } finally {
      await plain.close();
    }
  });

  it('rejects an unknown provider and a currency that is not ISO-4217', () => {
    expect(() => readConfig({ PAYMENT_PROVIDER: 'stripe', PLATFORM_CURRENCY: 'EURO' })).toThrow(ConfigError);
    expect(() => readConfig({ PAYMENT_PROVIDER: 'stripe', PLATFORM_CURRENCY: 'EURO' })).toThrow(
      'Invalid configuration:\n  - PAYMENT_PROVIDER must be one of simulated, got "stripe"\n  - PLATFORM_CURRENCY must be an ISO-4217 code such as EUR, got "EURO"',
    );
  });
});
