import { DependencyUnavailableError, DomainError, toDomainError } from '@wsb/kernel';
import { priceFor } from '../src/booking/price';
import { Booking } from '../src/entities/booking.entity';
import { ALICE, CREATE, alice, anonymous, hourFromNow, iso, plus, startBookingApp, waitFor, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startBookingApp();
});
afterAll(() => h.close());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('price', () => {
  it.each([
    [60 * MINUTE, 2500, 2500],
    [30 * MINUTE, 2500, 1250],
    [HOUR + 61_000, 2500, 2584], // 61 s extra are 2 started minutes: 62 min -> ceil(2583.33)
    [HOUR + 1, 2500, 2542], // one extra millisecond is a started minute: 61 min -> ceil(2541.67)
    [7 * MINUTE, 999, 117], // 116.55 rounds up to the cent
    [30 * 24 * HOUR, 2500, 1_800_000],
  ])('%d ms at %d/h costs %d', (ms, rate, amount) => {
    const start = new Date('2099-01-01T09:00:00Z');
    expect(priceFor({ amount: rate, currency: 'EUR' }, start, plus(start, ms))).toEqual({ amount, currency: 'EUR' });
  });
});

describe('createBooking', () => {
  it('confirms a booking, charges it once and tells notification and reporting through the outbox', async () => {
    const workspaceId = h.addWorkspace({ name: 'Orion', capacity: 8, hourlyRate: { amount: 2500, currency: 'EUR' } });
    const startsAt = hourFromNow(24);
    const endsAt = plus(startsAt, HOUR + 61_000);
    const { data, errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(endsAt), attendees: 3 } }, alice);
    expect(errors).toBeUndefined();
    const booking = data.createBooking;
    expect(booking).toMatchObject({
      status: 'CONFIRMED',
      attendees: 3,
      startsAt: iso(startsAt),
      endsAt: iso(endsAt),
      price: { amount: 2584, currency: 'EUR' },
      cancelledAt: null,
      user: { id: ALICE },
      workspace: { id: workspaceId },
    });

    // User and workspace were checked, with the fields the rules need.
    expect(h.callsTo('user', '_entities').at(-1)?.variables).toEqual({ representations: [{ __typename: 'User', id: ALICE }] });
    expect(h.callsTo('workspace', '_entities').at(-1)?.query.replace(/\s+/g, ' ')).toContain('id name active capacity timezone hourlyRate { amount currency }');
    // Charged exactly once, with the computed price.
    const payments = h.callsTo('payment', '_createPayment').filter((c) => c.variables.input.bookingId === booking.id);
    expect(payments.map((c) => c.variables)).toEqual([{ input: { bookingId: booking.id, userId: ALICE, amount: { amount: 2584, currency: 'EUR' } } }]);

    const [row] = await h.sql('select * from booking where id = ?', [booking.id]);
    expect(row).toMatchObject({ status: 'CONFIRMED', price_amount: 2584, price_currency: 'EUR', user_id: ALICE, attendees: 3 });

    // The event was written with the confirmation and delivered right after the commit.
    const event = await waitFor(async () => {
      const [e] = await h.sql(`select * from outbox_event where type = 'booking.created' and payload ->> 'bookingId' = ?`, [booking.id]);
      return e?.published_at ? e : undefined;
    }, 1000);
    expect(event.attempts).toBe(0);
    expect(event.payload).toEqual({
      bookingId: booking.id,
      userId: ALICE,
      userEmail: 'alice@example.com',
      userName: 'Alice',
      workspaceId,
      workspaceName: 'Orion',
      workspaceTimezone: 'Europe/Berlin',
      startsAt: iso(startsAt),
      endsAt: iso(endsAt),
      attendees: 3,
      amount: 2584,
      currency: 'EUR',
      occurredAt: expect.any(String),
    });
    const [notice] = h.inputsTo('notification', '_sendNotification').filter((c) => c.variables.input.dedupeKey.endsWith(booking.id));
    expect(notice.variables.input).toMatchObject({
      userId: ALICE,
      recipient: 'alice@example.com',
      channel: 'EMAIL',
      kind: 'BOOKING_CONFIRMED',
      dedupeKey: `BOOKING_CONFIRMED:${booking.id}`,
    });
    expect(notice.variables.input.subject).toMatch(/^Booking confirmed: Orion, /);
    expect(notice.variables.input.body).toContain('Price: €25.84');
    const [activity] = h.inputsTo('reporting', '_recordActivit').filter((c) => c.variables.input.bookingId === booking.id);
    expect(activity.variables).toEqual({
      input: {
        kind: 'BOOKING_CREATED',
        bookingId: booking.id,
        userId: ALICE,
        workspaceId,
        startsAt: iso(startsAt),
        endsAt: iso(endsAt),
        amount: { amount: 2584, currency: 'EUR' },
        at: event.payload.occurredAt,
      },
    });
  });

  it('defaults attendees to 1', async () => {
    const workspaceId = h.addWorkspace();
    const startsAt = hourFromNow(30);
    const { data } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, alice);
    expect(data.createBooking).toMatchObject({ attendees: 1, status: 'CONFIRMED' });
  });

  describe('refuses what the rules forbid, before charging anything', () => {
    const start = () => hourFromNow(48);
    it.each<[string, (ws: string) => Record<string, unknown>, string, string]>([
      [
        'reversed times',
        (ws) => ({ workspaceId: ws, startsAt: iso(plus(start(), HOUR)), endsAt: iso(start()) }),
        'BAD_USER_INPUT',
        'startsAt must be before endsAt.',
      ],
      ['an empty range', (ws) => ({ workspaceId: ws, startsAt: iso(start()), endsAt: iso(start()) }), 'BAD_USER_INPUT', 'startsAt must be before endsAt.'],
      [
        'a start in the past',
        (ws) => ({ workspaceId: ws, startsAt: iso(hourFromNow(-3)), endsAt: iso(hourFromNow(1)) }),
        'BAD_USER_INPUT',
        'startsAt must not be in the past.',
      ],
      [
        'more than 30 days',
        (ws) => ({ workspaceId: ws, startsAt: iso(start()), endsAt: iso(plus(start(), 30 * 24 * HOUR + MINUTE)) }),
        'BAD_USER_INPUT',
        'A booking can last at most 30 days.',
      ],
      [
        'no attendees',
        (ws) => ({ workspaceId: ws, startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)), attendees: 0 }),
        'BAD_USER_INPUT',
        'attendees must be at least 1.',
      ],
      [
        'more attendees than seats',
        (ws) => ({ workspaceId: ws, startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)), attendees: 9 }),
        'BAD_USER_INPUT',
        "attendees (9) exceeds the workspace's capacity (8).",
      ],
      [
        'a malformed workspace id',
        () => ({ workspaceId: 'desk-1', startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)) }),
        'BAD_USER_INPUT',
        'workspaceId is not a valid id.',
      ],
      [
        'an unknown workspace',
        () => ({ workspaceId: '00000000-0000-4000-8000-00000000ffff', startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)) }),
        'NOT_FOUND',
        'Workspace 00000000-0000-4000-8000-00000000ffff was not found.',
      ],
      [
        'an idempotencyKey over 200 characters',
        (ws) => ({ workspaceId: ws, startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)), idempotencyKey: 'k'.repeat(201) }),
        'BAD_USER_INPUT',
        'idempotencyKey must be 1 to 200 characters.',
      ],
    ])('%s', async (_name, input, code, message) => {
      const workspaceId = h.addWorkspace({ capacity: 8 });
      const paymentsBefore = h.callsTo('payment', '_createPayment').length;
      const { data, errors } = await h.app.run(CREATE, { input: input(workspaceId) }, alice);
      expect(data).toBeNull();
      expect(errors?.[0]).toMatchObject({ message, extensions: { code } });
      expect(h.callsTo('payment', '_createPayment')).toHaveLength(paymentsBefore);
      expect(await h.sql('select id from booking where workspace_id::text = ?', [workspaceId])).toEqual([]);
    });

    it('an archived workspace', async () => {
      const workspaceId = h.addWorkspace({ active: false });
      const { errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)) } }, alice);
      expect(errors?.[0]).toMatchObject({ message: 'This workspace is archived and cannot be booked.', extensions: { code: 'BAD_USER_INPUT' } });
    });

    it('a time without an offset (rejected by the DateTime scalar)', async () => {
      const workspaceId = h.addWorkspace();
      const { errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: '2099-01-01T09:00:00', endsAt: '2099-01-01T10:00:00Z' } }, alice);
      expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0].message).toContain('2099-01-01T09:00:00');
    });

    it('an anonymous caller and a user the user subgraph does not know', async () => {
      const workspaceId = h.addWorkspace();
      const input = { workspaceId, startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)) };
      expect((await h.app.run(CREATE, { input }, anonymous)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      h.world.users.delete(ALICE);
      try {
        const { errors } = await h.app.run(CREATE, { input }, alice);
        expect(errors?.[0]).toMatchObject({ message: 'Your account no longer exists; please sign in again.', extensions: { code: 'UNAUTHENTICATED' } });
      } finally {
        h.world.users.set(ALICE, { id: ALICE, email: 'alice@example.com', name: 'Alice' });
      }
    });

    it('a workspace subgraph that is down (DEPENDENCY_UNAVAILABLE)', async () => {
      const workspaceId = h.addWorkspace();
      const original = h.world.workspace;
      h.world.workspace = () => {
        throw new DependencyUnavailableError('workspace');
      };
      try {
        const { errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(start()), endsAt: iso(plus(start(), HOUR)) } }, alice);
        expect(errors?.[0]).toMatchObject({ extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'workspace' } });
      } finally {
        h.world.workspace = original;
      }
    });
  });

  describe('overlap', () => {
    const book = (workspaceId: string, startsAt: Date, endsAt: Date) =>
      h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(endsAt) } }, alice);

    it('refuses an overlapping booking with BOOKING_CONFLICT and allows back-to-back ones', async () => {
      const workspaceId = h.addWorkspace();
      const nine = hourFromNow(72);
      expect((await book(workspaceId, nine, plus(nine, 2 * HOUR))).data.createBooking.status).toBe('CONFIRMED');
      const overlapping = await book(workspaceId, plus(nine, HOUR), plus(nine, 3 * HOUR));
      expect(overlapping.errors?.[0]).toMatchObject({
        message: 'The workspace is already booked for an overlapping time.',
        extensions: { code: 'BOOKING_CONFLICT' },
      });
      // Half-open ranges: ending at 11:00 and starting at 11:00 do not overlap.
      expect((await book(workspaceId, plus(nine, 2 * HOUR), plus(nine, 3 * HOUR))).data.createBooking.status).toBe('CONFIRMED');
      expect((await book(workspaceId, plus(nine, -HOUR), nine)).data.createBooking.status).toBe('CONFIRMED');
      // Another workspace at the same time is a different slot.
      expect((await book(h.addWorkspace(), nine, plus(nine, 2 * HOUR))).data.createBooking.status).toBe('CONFIRMED');
    });

    it('is enforced by PostgreSQL: the raw driver error (SQLSTATE 23P01) maps to BOOKING_CONFLICT', async () => {
      const em = h.app.orm.em.fork();
      const slot = { userId: ALICE, workspaceId: h.addWorkspace(), attendees: 1, priceAmount: 100, priceCurrency: 'EUR' };
      const start = hourFromNow(96);
      em.create(Booking, { ...slot, status: 'CONFIRMED', startsAt: start, endsAt: plus(start, HOUR) });
      await em.flush();
      const second = em.fork();
      second.create(Booking, { ...slot, status: 'PENDING', startsAt: plus(start, 30 * MINUTE), endsAt: plus(start, 2 * HOUR) });
      const err = await second.flush().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: '23P01', constraint: 'booking_no_overlap' });
      expect(toDomainError(err)).toMatchObject({ code: 'BOOKING_CONFLICT' });
    });
  });

  describe('payment', () => {
    it('a failed payment cancels the booking (slot released) and reaches the client as DEPENDENCY_UNAVAILABLE', async () => {
      const workspaceId = h.addWorkspace();
      const startsAt = hourFromNow(120);
      const input = { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) };
      const original = h.world.createPayment;
      h.world.createPayment = () => {
        throw new DependencyUnavailableError('payment');
      };
      try {
        const { errors } = await h.app.run(CREATE, { input }, alice);
        expect(errors?.[0]).toMatchObject({
          message: 'The payment service is unavailable; please try again shortly.',
          extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'payment' },
        });
      } finally {
        h.world.createPayment = original;
      }
      const [row] = await h.sql('select * from booking where workspace_id::text = ?', [workspaceId]);
      // Unavailable says nothing about whether money was taken: PAYMENT_TIMEOUT (outcome unknown).
      expect(row).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'PAYMENT_TIMEOUT' });
      expect(new Date(row.cancelled_at).getTime()).toBeGreaterThan(Date.now() - 10_000);
      // The outcome of a timed-out charge is unknown: a refund is scheduled for later, never a notice.
      const events = await h.sql(`select type, next_attempt_at from outbox_event where payload ->> 'bookingId' = ?`, [row.id]);
      expect(events.map((e) => e.type)).toEqual(['booking.payment_failed']);
      expect(new Date(events[0].next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 20_000);
      // The slot is free again.
      const again = await h.app.run(CREATE, { input }, alice);
      expect(again.data.createBooking.status).toBe('CONFIRMED');
    });

    it('a payment refused by the payment subgraph keeps its code and schedules no refund', async () => {
      const workspaceId = h.addWorkspace();
      const startsAt = hourFromNow(121);
      const original = h.world.createPayment;
      h.world.createPayment = () => {
        throw new DomainError('BAD_USER_INPUT', 'The payment was declined.');
      };
      try {
        const { errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, alice);
        expect(errors?.[0]).toMatchObject({ message: 'The payment was declined.', extensions: { code: 'BAD_USER_INPUT' } });
      } finally {
        h.world.createPayment = original;
      }
      const [row] = await h.sql('select id, status, cancellation_reason from booking where workspace_id::text = ?', [workspaceId]);
      expect(row).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'PAYMENT_FAILED' });
      expect(await h.sql(`select id from outbox_event where payload ->> 'bookingId' = ?`, [row.id])).toEqual([]);
    });

    it('an unexpected failure of the call (not a platform error) is DEPENDENCY_UNAVAILABLE too', async () => {
      const workspaceId = h.addWorkspace();
      const startsAt = hourFromNow(122);
      const original = h.world.createPayment;
      h.world.createPayment = () => {
        throw new Error('socket hang up');
      };
      try {
        const { errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, alice);
        expect(errors?.[0].extensions.code).toBe('DEPENDENCY_UNAVAILABLE');
      } finally {
        h.world.createPayment = original;
      }
      expect((await h.sql('select status from booking where workspace_id::text = ?', [workspaceId]))[0].status).toBe('CANCELLED');
    });
  });
});
