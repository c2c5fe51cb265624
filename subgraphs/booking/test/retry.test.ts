/**
 * What a retry of createBooking with the same idempotencyKey and input gets, for every state the
 * first attempt can be in (README, "Retrying a booking"):
 * - still running: waits for it, or a retryable DEPENDENCY_UNAVAILABLE; never a second booking;
 * - confirmed: the same booking;
 * - compensated with nothing charged: the booking runs again (BOOKING_CONFLICT if the slot went);
 * - payment outcome unknown: payment is asked, never charged twice: exactly one capture, or none.
 */
import { randomUUID } from 'node:crypto';
import { CircuitOpenError, DependencyUnavailableError, DomainError } from '@wsb/kernel';
import { CREATE, alice, bob, hourFromNow, iso, plus, startBookingApp, type Harness } from './helpers';

const HOUR = 3_600_000;
let h: Harness;
beforeAll(async () => {
  h = await startBookingApp();
});
afterAll(() => h.close());

let hours = 300;
function input(workspaceId = h.addWorkspace()) {
  const startsAt = hourFromNow((hours += 2));
  return { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)), idempotencyKey: `retry-${randomUUID()}` };
}
const charges = (bookingId: string) => h.callsTo('payment', '_createPayment').filter((c) => c.variables.input.bookingId === bookingId);

/** Runs `work` with payment's _createPayment replaced by `behaviour`. */
const withPayment = <T>(behaviour: (v: any) => unknown, work: () => Promise<T>): Promise<T> => h.withWorld({ createPayment: behaviour }, work);

const declined = () => new DomainError('BAD_USER_INPUT', 'The payment was declined.');
/** The first attempt at booking i, with _createPayment failing with `error` (so the saga compensates). */
const bookWhilePaymentFails = (i: ReturnType<typeof input>, error: () => Error) =>
  withPayment(
    () => {
      throw error();
    },
    () => h.app.run(CREATE, { input: i }, alice),
  );

it('a confirmed booking: the same booking, charged once', async () => {
  const i = input();
  const first = (await h.app.run(CREATE, { input: i }, alice)).data.createBooking;
  const again = (await h.app.run(CREATE, { input: i }, alice)).data.createBooking;
  expect(again).toEqual(first);
  expect(charges(first.id)).toHaveLength(1);
});

it('still running: the retry waits for the first attempt and answers with its booking', async () => {
  const i = input();
  let release!: () => void;
  const paying = new Promise<void>((r) => (release = r));
  const first = withPayment(
    async (v) => {
      await paying;
      return { _createPayment: { id: randomUUID(), status: 'CAPTURED', bookingId: v.input.bookingId } };
    },
    () => h.app.run(CREATE, { input: i }, alice),
  );
  await new Promise((r) => setTimeout(r, 300)); // the first attempt holds its PENDING booking
  const retry = h.app.run(CREATE, { input: i }, alice);
  setTimeout(release, 500);
  const [a, b] = await Promise.all([first, retry]);
  expect(b.data.createBooking.id).toBe(a.data.createBooking.id);
  expect(b.data.createBooking.status).toBe('CONFIRMED');
  expect(charges(a.data.createBooking.id)).toHaveLength(1);
});

it('still running after the wait: a retryable DEPENDENCY_UNAVAILABLE, and no second booking', async () => {
  const i = input();
  let release!: () => void;
  const paying = new Promise<void>((r) => (release = r));
  const first = withPayment(
    async () => {
      await paying;
      return { _createPayment: { id: randomUUID(), status: 'CAPTURED' } };
    },
    () => h.app.run(CREATE, { input: i }, alice),
  );
  await new Promise((r) => setTimeout(r, 300));
  const retry = await h.app.run(CREATE, { input: i }, alice); // waits 5 s, then gives up
  expect(retry.errors?.[0]).toMatchObject({ extensions: { code: 'DEPENDENCY_UNAVAILABLE' } });
  expect(retry.errors?.[0].message).toMatch(/still being processed; please retry shortly/);
  release();
  expect((await first).data.createBooking.status).toBe('CONFIRMED');
  expect(await h.sql('select count(*)::int as n from booking where workspace_id::text = ?', [i.workspaceId])).toEqual([{ n: 1 }]);
}, 15_000);

it.each([
  ['the circuit to payment was open', () => new CircuitOpenError('payment')],
  ['payment refused it', declined],
])('compensated with nothing charged (%s): the retry books again, with exactly one capture', async (_why, error) => {
  const i = input();
  const failed = await bookWhilePaymentFails(i, error);
  expect(failed.errors).toHaveLength(1);
  const [cancelled] = await h.sql('select id, status, cancellation_reason from booking where workspace_id::text = ?', [i.workspaceId]);
  expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'PAYMENT_FAILED' });

  const retry = (await h.app.run(CREATE, { input: i }, alice)).data.createBooking;
  expect(retry.status).toBe('CONFIRMED');
  expect(retry.id).not.toBe(cancelled.id);
  expect(charges(retry.id)).toHaveLength(1);
  // The key now names the confirmed booking: a third call answers with it.
  expect((await h.app.run(CREATE, { input: i }, alice)).data.createBooking.id).toBe(retry.id);
  expect(charges(retry.id)).toHaveLength(1);
});

it('compensated, and the slot was taken meanwhile: BOOKING_CONFLICT, and the key still answers the same', async () => {
  const i = input();
  await bookWhilePaymentFails(i, declined);
  const other = await h.app.run(CREATE, { input: { ...i, idempotencyKey: undefined } }, bob);
  expect(other.data.createBooking.status).toBe('CONFIRMED');
  for (let n = 0; n < 2; n++) {
    const retry = await h.app.run(CREATE, { input: i }, alice);
    expect(retry.errors?.[0].extensions.code).toBe('BOOKING_CONFLICT');
  }
  const rows = await h.sql('select status from booking where workspace_id::text = ? order by created_at', [i.workspaceId]);
  expect(rows.map((r: any) => r.status)).toEqual(['CANCELLED', 'CONFIRMED']);
});

it('ten concurrent retries of a compensated booking: one new booking, one charge, all answered with it', async () => {
  const i = input();
  await bookWhilePaymentFails(i, declined);
  const answers = await Promise.all(Array.from({ length: 10 }, () => h.app.run(CREATE, { input: i }, alice)));
  const ids = new Set(answers.map((a) => a.data?.createBooking?.id));
  expect(answers.every((a) => a.data?.createBooking?.status === 'CONFIRMED')).toBe(true);
  expect(ids.size).toBe(1);
  expect(charges([...ids][0])).toHaveLength(1);
  const rows = await h.sql('select status from booking where workspace_id::text = ?', [i.workspaceId]);
  expect(rows.map((r: any) => r.status).sort()).toEqual(['CANCELLED', 'CONFIRMED']);
});

it('payment outcome unknown, and it had captured: the retry keeps that one charge and confirms the same booking', async () => {
  const i = input();
  // The charge goes through on the payment side, but its answer never arrives (a timeout).
  const timedOut = await withPayment(
    (v) => {
      h.world.payments.set(v.input.bookingId, { id: randomUUID(), status: 'CAPTURED' });
      throw new DependencyUnavailableError('payment');
    },
    () => h.app.run(CREATE, { input: i }, alice),
  );
  expect(timedOut.errors?.[0].extensions.code).toBe('DEPENDENCY_UNAVAILABLE');
  const [cancelled] = await h.sql('select id, cancellation_reason from booking where workspace_id::text = ?', [i.workspaceId]);
  expect(cancelled.cancellation_reason).toBe('PAYMENT_TIMEOUT');
  const refunds = () => h.sql(`select id from outbox_event where type = 'booking.payment_failed' and payload ->> 'bookingId' = ?`, [cancelled.id]);
  expect(await refunds()).toHaveLength(1);

  const retry = (await h.app.run(CREATE, { input: i }, alice)).data.createBooking;
  expect(retry).toMatchObject({ id: cancelled.id, status: 'CONFIRMED', cancelledAt: null });
  expect(charges(cancelled.id)).toHaveLength(1); // payment was asked, not charged again
  expect(await refunds()).toEqual([]); // and the captured money is kept, not refunded
  const created = await h.sql(`select id from outbox_event where type = 'booking.created' and payload ->> 'bookingId' = ?`, [cancelled.id]);
  expect(created).toHaveLength(1);
  expect((await h.app.run(CREATE, { input: i }, alice)).data.createBooking).toEqual(retry);
});

it('payment outcome unknown, and nothing was captured: the retry books again, and the old refund stays scheduled', async () => {
  const i = input();
  await bookWhilePaymentFails(i, () => new DependencyUnavailableError('payment'));
  const [cancelled] = await h.sql('select id from booking where workspace_id::text = ?', [i.workspaceId]);
  const retry = (await h.app.run(CREATE, { input: i }, alice)).data.createBooking;
  expect(retry.status).toBe('CONFIRMED');
  expect(retry.id).not.toBe(cancelled.id);
  expect(charges(retry.id)).toHaveLength(1);
  // A late capture of the first attempt would still be refunded.
  expect(await h.sql(`select id from outbox_event where type = 'booking.payment_failed' and payload ->> 'bookingId' = ?`, [cancelled.id])).toHaveLength(1);
});

it('payment outcome unknown and payment still down: the retry is DEPENDENCY_UNAVAILABLE, nothing new is held', async () => {
  const i = input();
  await bookWhilePaymentFails(i, () => new DependencyUnavailableError('payment'));
  const original = h.world.paymentOf;
  h.world.paymentOf = () => {
    throw new Error('payment down');
  };
  try {
    const retry = await h.app.run(CREATE, { input: i }, alice);
    expect(retry.errors?.[0].extensions.code).toBe('DEPENDENCY_UNAVAILABLE');
  } finally {
    h.world.paymentOf = original;
  }
  expect(await h.sql('select count(*)::int as n from booking where workspace_id::text = ?', [i.workspaceId])).toEqual([{ n: 1 }]);
});

it('the same key with a different input is still BAD_USER_INPUT', async () => {
  const i = input();
  await h.app.run(CREATE, { input: i }, alice);
  const other = await h.app.run(CREATE, { input: { ...i, attendees: 3 } }, alice);
  expect(other.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'idempotencyKey' } });
});
