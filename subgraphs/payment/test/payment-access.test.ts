import { asGateway, asService, initTestApp, type TestApp } from '@wsb/kernel/src/testing';
import type { PaymentConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { PaymentServices } from '../src/services';
import { createPaymentSubgraph } from '../src/subgraph';
import { bookingId, CREATE, RecordingProvider, REFUND } from './helpers';

const owner = asGateway({ id: '00000000-0000-4000-8000-000000000002' });
const other = asGateway({ id: '00000000-0000-4000-8000-000000000003' });
const admin = asGateway({ id: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' });
const provider = new RecordingProvider();
let app: TestApp<Loaders, PaymentConfig, PaymentServices>;

const PAYMENT = 'query ($id: ID!) { payment(id: $id) { id status amount { amount currency } booking { id } refundedAt } }';
const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
  ... on Payment { id status amount { amount } }
  ... on Booking { id payment { id status } }
} }`;

async function pay(id = bookingId(), amount = 1500) {
  const { data } = await app.run(CREATE, { input: { bookingId: id, userId: owner.user!.id, amount: { amount, currency: 'EUR' } } }, asService('booking'));
  return data._createPayment as { id: string; status: string };
}

beforeAll(async () => {
  app = await initTestApp(createPaymentSubgraph(provider));
});
afterAll(() => app.close());

describe('internal mutations', () => {
  it.each([
    ['the gateway (an admin)', admin],
    ['the gateway (the owner)', owner],
    ['another service', asService('reporting')],
  ])('refuses %s', async (_label, identity) => {
    const id = bookingId();
    const created = await app.run(CREATE, { input: { bookingId: id, userId: owner.user!.id, amount: { amount: 1, currency: 'EUR' } } }, identity);
    expect(created.errors?.[0]).toMatchObject({ message: 'You are not allowed to do this.', extensions: { code: 'FORBIDDEN' } });
    const refunded = await app.run(REFUND, { bookingId: id }, identity);
    expect(refunded.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await app.orm.em.fork().getConnection().execute('select 1 from payment where booking_id = ?', [id])).toEqual([]);
    expect(provider.charges).toHaveLength(0);
  });
});

describe('payment(id)', () => {
  it('shows the payment to its owner and to an admin', async () => {
    const id = bookingId();
    const payment = await pay(id);
    const expected = { id: payment.id, status: 'CAPTURED', amount: { amount: 1500, currency: 'EUR' }, booking: { id }, refundedAt: null };
    expect(await app.run(PAYMENT, { id: payment.id }, owner)).toEqual({ data: { payment: expected } });
    expect(await app.run(PAYMENT, { id: payment.id }, admin)).toEqual({ data: { payment: expected } });
  });

  it('refuses another member and an anonymous caller', async () => {
    const payment = await pay();
    const forbidden = await app.run(PAYMENT, { id: payment.id }, other);
    expect(forbidden.data?.payment).toBeNull();
    expect(forbidden.errors?.[0]).toMatchObject({ message: 'You are not allowed to do this.', extensions: { code: 'FORBIDDEN' } });
    const anonymous = await app.run(PAYMENT, { id: payment.id }, asGateway());
    expect(anonymous.errors?.[0]).toMatchObject({ message: 'You must be signed in to do this.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('answers null for unknown and malformed ids', async () => {
    expect(await app.run(PAYMENT, { id: '00000000-0000-4000-8000-00000000ffff' }, owner)).toEqual({ data: { payment: null } });
    expect(await app.run(PAYMENT, { id: 'nope' }, owner)).toEqual({ data: { payment: null } });
  });
});

describe('_entities', () => {
  it('resolves Payment for the owner and a service, and refuses another member', async () => {
    const payment = await pay();
    const r = [
      { __typename: 'Payment', id: payment.id },
      { __typename: 'Payment', id: '00000000-0000-4000-8000-00000000ffff' },
    ];
    const expected = [{ id: payment.id, status: 'CAPTURED', amount: { amount: 1500 } }, null];
    expect((await app.run(ENTITIES, { r }, owner)).data._entities).toEqual(expected);
    expect((await app.run(ENTITIES, { r }, asService('booking'))).data._entities).toEqual(expected);
    const leaked = await app.run(ENTITIES, { r: r.slice(0, 1) }, other);
    expect(leaked.data?._entities).toEqual([null]);
    expect(leaked.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('resolves Booking { payment } for a page of bookings in one query', async () => {
    const [paid, refunded, unpaid] = [bookingId(), bookingId(), bookingId()];
    const first = await pay(paid);
    const second = await pay(refunded);
    await app.run(REFUND, { bookingId: refunded }, asService('booking'));
    const r = [paid, refunded, unpaid, 'not-a-uuid'].map((id) => ({ __typename: 'Booking', id }));
    const execute = jest.spyOn(app.orm.em.getDriver().getConnection(), 'execute');
    const { data, errors } = await app.run(ENTITIES, { r }, owner);
    expect(execute.mock.calls.map(([sql]) => String(sql)).filter((sql) => /^select/i.test(sql))).toHaveLength(1);
    execute.mockRestore();
    expect(errors).toBeUndefined();
    expect(data._entities).toEqual([
      { id: paid, payment: { id: first.id, status: 'CAPTURED' } },
      { id: refunded, payment: { id: second.id, status: 'REFUNDED' } },
      { id: unpaid, payment: null },
      { id: 'not-a-uuid', payment: null },
    ]);
  });

  it("hides another member's payment behind Booking { payment }", async () => {
    const id = bookingId();
    await pay(id);
    const { data, errors } = await app.run(ENTITIES, { r: [{ __typename: 'Booking', id }] }, other);
    expect(data._entities).toEqual([{ id, payment: null }]);
    expect(errors?.[0]).toMatchObject({ path: ['_entities', 0, 'payment', 'id'], extensions: { code: 'FORBIDDEN' } });
    expect((await app.run(ENTITIES, { r: [{ __typename: 'Booking', id }] }, admin)).data._entities[0].payment).not.toBeNull();
  });
});
