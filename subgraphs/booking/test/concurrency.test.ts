import { randomUUID } from 'node:crypto';
import { CREATE, alice, bob, hourFromNow, iso, plus, startBookingApp, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startBookingApp();
});
afterAll(() => h.close());

const HOUR = 3600_000;
const paymentsFor = (bookingId: string) => h.callsTo('payment', '_createPayment').filter((c) => c.variables.input.bookingId === bookingId);

describe('overlap under concurrency', () => {
  it('20 parallel requests for one slot: exactly one CONFIRMED booking, 19 BOOKING_CONFLICT', async () => {
    const workspaceId = h.addWorkspace();
    const startsAt = hourFromNow(24);
    const input = { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.app.run(CREATE, { input }, i % 2 ? alice : bob)));

    const winners = results.filter((r) => r.data?.createBooking);
    const codes = results.flatMap((r) => r.errors?.map((e) => e.extensions.code) ?? []);
    expect(winners).toHaveLength(1);
    expect(codes).toEqual(Array(19).fill('BOOKING_CONFLICT'));
    const rows = await h.sql('select id, status from booking where workspace_id::text = ?', [workspaceId]);
    expect(rows).toEqual([{ id: winners[0].data.createBooking.id, status: 'CONFIRMED' }]);
    // Only the winner was ever charged.
    expect(h.callsTo('payment', '_createPayment').filter((c) => rows.some((r) => r.id === c.variables.input.bookingId))).toHaveLength(1);
  });
  it('stays live under heavier contention: 3 rounds of 50 give one winner each and only conflicts', async () => {
    // Without the per-workspace slot lock, conflicting inserts can deadlock on the exclusion
    // constraint (40P01 instead of 23P01) and, retried, keep deadlocking: seen as internal errors
    // or requests that never finish, more often the more requests contend.
    for (let round = 0; round < 3; round++) {
      const workspaceId = h.addWorkspace();
      const startsAt = hourFromNow(100 + round);
      const input = { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) };
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => h.app.run(CREATE, { input }, i % 2 ? alice : bob)));
      expect(results.filter((r) => r.data?.createBooking?.status === 'CONFIRMED')).toHaveLength(1);
      expect(results.flatMap((r) => r.errors?.map((e) => e.extensions.code) ?? [])).toEqual(Array(49).fill('BOOKING_CONFLICT'));
    }
  });
});

describe('idempotencyKey', () => {
  const request = (workspaceId: string, hoursAhead: number, extra: Record<string, unknown> = {}) => {
    const startsAt = hourFromNow(hoursAhead);
    return { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)), attendees: 2, ...extra };
  };

  it('the same key twice returns the same booking and charges once', async () => {
    const input = request(h.addWorkspace(), 30, { idempotencyKey: `key-${randomUUID()}` });
    const first = (await h.app.run(CREATE, { input }, alice)).data.createBooking;
    const second = await h.app.run(CREATE, { input }, alice);
    expect(second.errors).toBeUndefined();
    expect(second.data.createBooking).toEqual(first);
    expect(paymentsFor(first.id)).toHaveLength(1);
    expect(await h.sql('select count(*)::int as n from booking where workspace_id::text = ?', [input.workspaceId])).toEqual([{ n: 1 }]);
  });

  it('the same instant spelled with another offset is the same request', async () => {
    const key = `key-${randomUUID()}`;
    const input = request(h.addWorkspace(), 31, { idempotencyKey: key });
    const first = (await h.app.run(CREATE, { input }, alice)).data.createBooking;
    const shifted = { ...input, startsAt: new Date(input.startsAt).toISOString().replace('Z', '+00:00') };
    expect((await h.app.run(CREATE, { input: shifted }, alice)).data.createBooking.id).toBe(first.id);
  });

  it('5 concurrent requests with one key make one booking and one charge', async () => {
    const original = h.world.createPayment;
    // A slow payment, so the retries find the first booking still PENDING and wait for it.
    h.world.createPayment = async (v) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return original(v);
    };
    try {
      const input = request(h.addWorkspace(), 32, { idempotencyKey: `key-${randomUUID()}` });
      const results = await Promise.all(Array.from({ length: 5 }, () => h.app.run(CREATE, { input }, alice)));
      expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
      const bookings = results.map((r) => r.data.createBooking);
      expect(new Set(bookings.map((b) => b.id)).size).toBe(1);
      expect(bookings.map((b) => b.status)).toEqual(Array(5).fill('CONFIRMED'));
      expect(paymentsFor(bookings[0].id)).toHaveLength(1);
      expect(await h.sql('select count(*)::int as n from booking where workspace_id::text = ?', [input.workspaceId])).toEqual([{ n: 1 }]);
    } finally {
      h.world.createPayment = original;
    }
  });

  it('the same key for a different booking is BAD_USER_INPUT', async () => {
    const key = `key-${randomUUID()}`;
    const workspaceId = h.addWorkspace();
    await h.app.run(CREATE, { input: request(workspaceId, 40, { idempotencyKey: key }) }, alice);
    for (const different of [request(workspaceId, 41, { idempotencyKey: key }), request(workspaceId, 40, { idempotencyKey: key, attendees: 3 })]) {
      const { errors } = await h.app.run(CREATE, { input: different }, alice);
      expect(errors?.[0]).toMatchObject({
        message: 'idempotencyKey was already used for a different booking.',
        extensions: { code: 'BAD_USER_INPUT', field: 'idempotencyKey' },
      });
    }
    expect(await h.sql('select count(*)::int as n from booking where workspace_id::text = ?', [workspaceId])).toEqual([{ n: 1 }]);
  });

  it('keys belong to a user: another user with the same key gets a booking of their own', async () => {
    const key = `key-${randomUUID()}`;
    const workspaceId = h.addWorkspace();
    const mine = (await h.app.run(CREATE, { input: request(workspaceId, 50, { idempotencyKey: key }) }, alice)).data.createBooking;
    const theirs = (await h.app.run(CREATE, { input: request(workspaceId, 51, { idempotencyKey: key }) }, bob)).data.createBooking;
    expect(theirs.id).not.toBe(mine.id);
  });

  it('a retry after a payment the payment subgraph never got books again, with one charge', async () => {
    const input = request(h.addWorkspace(), 60, { idempotencyKey: `key-${randomUUID()}` });
    const original = h.world.createPayment;
    h.world.createPayment = () => {
      throw new Error('payment down');
    };
    try {
      expect((await h.app.run(CREATE, { input }, alice)).errors?.[0].extensions.code).toBe('DEPENDENCY_UNAVAILABLE');
    } finally {
      h.world.createPayment = original;
    }
    const retry = (await h.app.run(CREATE, { input }, alice)).data.createBooking;
    expect(retry.status).toBe('CONFIRMED');
    expect(paymentsFor(retry.id)).toHaveLength(1);
  });
});
