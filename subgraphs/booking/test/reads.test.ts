import { asService } from '@wsb/kernel/src/testing';
import { Booking } from '../src/entities/booking.entity';
import { ALICE, BOOKING_FIELDS, CANCEL, CREATE, admin, alice, anonymous, bob, hourFromNow, iso, plus, startBookingApp, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startBookingApp();
});
afterAll(() => h.close());

const HOUR = 3600_000;
const UNKNOWN = '00000000-0000-4000-8000-00000000ffff';
let hoursAhead = 24;

async function book(identity = alice, workspaceId = h.addWorkspace()) {
  const startsAt = hourFromNow((hoursAhead += 2));
  const { data, errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, identity);
  expect(errors).toBeUndefined();
  return data.createBooking as { id: string; startsAt: string; endsAt: string };
}

describe('booking(id)', () => {
  const Q = `query ($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`;

  it('shows a booking to its owner and an admin only', async () => {
    const created = await book();
    expect((await h.app.run(Q, { id: created.id }, alice)).data.booking).toEqual(created);
    expect((await h.app.run(Q, { id: created.id }, admin)).data.booking.id).toBe(created.id);
    const other = await h.app.run(Q, { id: created.id }, bob);
    expect(other.data.booking).toBeNull();
    expect(other.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await h.app.run(Q, { id: created.id }, anonymous)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers null for unknown and malformed ids', async () => {
    expect(await h.app.run(Q, { id: UNKNOWN }, alice)).toEqual({ data: { booking: null } });
    expect(await h.app.run(Q, { id: 'nope' }, alice)).toEqual({ data: { booking: null } });
  });
});

describe('myBookings and User.bookings', () => {
  const MY = `query ($first: Int, $after: String, $status: BookingStatus) {
    myBookings(first: $first, after: $after, status: $status) {
      totalCount edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }`;

  it('pages newest first, filters by status and leaves PENDING out unless asked for', async () => {
    const carol = { caller: 'gateway', user: { id: '00000000-0000-4000-8000-0000000000c3', role: 'MEMBER' as const } };
    h.world.users.set(carol.user.id, { id: carol.user.id, email: 'carol@example.com', name: 'Carol' });
    const [b1, b2, b3] = [await book(carol), await book(carol), await book(carol)];
    await h.app.run(CANCEL, { id: b2.id }, carol);
    const em = h.app.orm.em.fork();
    const pending = em.create(Booking, {
      userId: carol.user.id,
      workspaceId: h.addWorkspace(),
      startsAt: hourFromNow(200),
      endsAt: hourFromNow(201),
      priceAmount: 1,
      priceCurrency: 'EUR',
    });
    await em.flush();

    const page1 = (await h.app.run(MY, { first: 2 }, carol)).data.myBookings;
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((e: any) => e.node.id)).toEqual([b3.id, b2.id]);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = (await h.app.run(MY, { first: 2, after: page1.pageInfo.endCursor }, carol)).data.myBookings;
    expect(page2.edges.map((e: any) => e.node.id)).toEqual([b1.id]);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const cancelled = (await h.app.run(MY, { status: 'CANCELLED' }, carol)).data.myBookings;
    expect(cancelled.edges.map((e: any) => e.node)).toEqual([{ id: b2.id, status: 'CANCELLED' }]);
    const pendingOnly = (await h.app.run(MY, { status: 'PENDING' }, carol)).data.myBookings;
    expect(pendingOnly.edges.map((e: any) => e.node)).toEqual([{ id: pending.id, status: 'PENDING' }]);

    expect((await h.app.run(MY, { after: 'garbage' }, carol)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await h.app.run(MY, { first: 101 }, carol)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await h.app.run(MY, {}, anonymous)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('resolves User.bookings through _entities for the user themself or an admin', async () => {
    const mine = await book(alice);
    const Q = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id bookings(first: 50) { totalCount edges { node { id } } } } } }`;
    const r = [{ __typename: 'User', id: ALICE }];
    const own = await h.app.run(Q, { r }, alice);
    expect(own.errors).toBeUndefined();
    expect(own.data._entities[0].id).toBe(ALICE);
    expect(own.data._entities[0].bookings.edges.map((e: any) => e.node.id)).toContain(mine.id);
    expect((await h.app.run(Q, { r }, admin)).data._entities[0].bookings.totalCount).toBe(own.data._entities[0].bookings.totalCount);
    const other = await h.app.run(Q, { r }, bob);
    expect(other.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, path: ['_entities', 0, 'bookings'] });
  });
});

describe('Booking through _entities', () => {
  const Q = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Booking { id status price { amount currency } user { id } workspace { id } } } }`;

  it('shows its owner the booking and refuses another member', async () => {
    const created = await book(alice);
    const r = [
      { __typename: 'Booking', id: created.id },
      { __typename: 'Booking', id: UNKNOWN },
    ];
    const own = await h.app.run(Q, { r }, alice);
    expect(own.errors).toBeUndefined();
    expect(own.data._entities).toEqual([
      { id: created.id, status: 'CONFIRMED', price: { amount: 2500, currency: 'EUR' }, user: { id: ALICE }, workspace: { id: expect.any(String) } },
      null,
    ]);
    const other = await h.app.run(Q, { r }, bob);
    expect(other.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(other.data?._entities[0]).toBeNull();
    // Platform services (e.g. payment resolving Booking.payment's parent) may read it.
    expect((await h.app.run(Q, { r }, asService('payment'))).data._entities[0].id).toBe(created.id);
  });
});

describe('Workspace.isAvailable', () => {
  const Q = `query ($r: [_Any!]!, $s: DateTime!, $e: DateTime!) {
    _entities(representations: $r) { ... on Workspace { id isAvailable(startsAt: $s, endsAt: $e) } }
  }`;

  it('is true unless a PENDING or CONFIRMED booking overlaps the half-open range; public; batched', async () => {
    const busy = h.addWorkspace();
    const free = h.addWorkspace();
    const created = await book(bob, busy);
    const start = new Date(created.startsAt);
    const ask = async (s: Date, e: Date) => {
      const r = [busy, free, 'not-a-uuid'].map((id) => ({ __typename: 'Workspace', id }));
      const { data, errors } = await h.app.run(Q, { r, s: iso(s), e: iso(e) }, anonymous);
      expect(errors).toBeUndefined();
      return data._entities.map((w: any) => w.isAvailable);
    };
    expect(await ask(start, plus(start, HOUR))).toEqual([false, true, true]);
    expect(await ask(plus(start, 30 * 60_000), plus(start, 2 * HOUR))).toEqual([false, true, true]);
    // Back-to-back is available on both sides.
    expect(await ask(plus(start, HOUR), plus(start, 2 * HOUR))).toEqual([true, true, true]);
    expect(await ask(plus(start, -HOUR), start)).toEqual([true, true, true]);
    // Cancelled bookings free the slot.
    await h.app.run(CANCEL, { id: created.id }, bob);
    expect(await ask(start, plus(start, HOUR))).toEqual([true, true, true]);
    // A PENDING booking (payment running) holds its slot.
    const em = h.app.orm.em.fork();
    em.create(Booking, { userId: ALICE, workspaceId: free, startsAt: start, endsAt: plus(start, HOUR), priceAmount: 1, priceCurrency: 'EUR' });
    await em.flush();
    // One query answers every workspace of the request.
    const execute = jest.spyOn(h.app.orm.em.getConnection(), 'execute');
    try {
      expect(await ask(start, plus(start, HOUR))).toEqual([true, false, true]);
      expect(execute.mock.calls.filter(([sql]) => String(sql).includes('jsonb_to_recordset'))).toHaveLength(1);
    } finally {
      execute.mockRestore();
    }
  });

  it('refuses a reversed range', async () => {
    const s = hourFromNow(10);
    const { errors } = await h.app.run(Q, { r: [{ __typename: 'Workspace', id: h.addWorkspace() }], s: iso(s), e: iso(s) }, anonymous);
    expect(errors?.[0]).toMatchObject({ message: 'startsAt must be before endsAt.', extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('_activeBookingCount', () => {
  it('counts confirmed bookings not yet ended, for platform services only', async () => {
    const before = (await h.app.run('{ _activeBookingCount }', {}, asService('admin'))).data._activeBookingCount;
    await book(bob);
    expect((await h.app.run('{ _activeBookingCount }', {}, asService('admin'))).data._activeBookingCount).toBe(before + 1);
    expect((await h.app.run('{ _activeBookingCount }', {}, admin)).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
