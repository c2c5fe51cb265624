import { randomUUID } from 'node:crypto';
import { asGateway, asService, initTestApp, type TestApp } from '@wsb/kernel/src/testing';
import type { ReportingConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { ReportingServices } from '../src/services';
import { reportingSubgraph } from '../src/subgraph';

const admin = asGateway({ id: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' });
const member = asGateway({ id: '00000000-0000-4000-8000-000000000002' });
const booking = asService('booking');
let app: TestApp<Loaders, ReportingConfig, ReportingServices>;

const RECORD = `mutation ($input: RecordActivityInput!) {
  _recordActivity(input: $input) { id kind at booking { id } user { id } workspace { id } }
}`;
const REPORT = `query ($from: DateTime!, $to: DateTime!) {
  bookingReport(from: $from, to: $to) {
    bookingsCreated bookingsCancelled revenue { amount currency }
    occupancy { workspace { id } bookedHours occupancyRate }
  }
}`;
const ACTIVITY = `query ($first: Int, $after: String) {
  activity(first: $first, after: $after) { totalCount edges { cursor node { id kind } } pageInfo { hasNextPage hasPreviousPage endCursor } }
}`;

interface Event {
  kind?: string;
  bookingId?: string;
  userId?: string;
  workspaceId?: string;
  startsAt: string;
  endsAt: string;
  amount?: { amount: number; currency: string };
  at: string;
}
const event = (e: Event) => ({
  kind: 'BOOKING_CREATED',
  bookingId: randomUUID(),
  userId: member.user!.id,
  workspaceId: randomUUID(),
  amount: { amount: 1000, currency: 'EUR' },
  ...e,
});
const record = (e: ReturnType<typeof event>, identity = booking) => app.run(RECORD, { input: e }, identity);
const rows = (sql: string, params: unknown[] = []) => app.orm.em.fork().getConnection().execute(sql, params);

beforeAll(async () => {
  app = await initTestApp(reportingSubgraph);
});
afterAll(() => app.close());

describe('recording booking activity', () => {
  it('records a created and a cancelled event with their references', async () => {
    const created = event({ startsAt: '2027-01-10T09:00:00Z', endsAt: '2027-01-10T11:00:00Z', at: '2027-01-05T08:00:00Z' });
    const first = await record(created);
    expect(first.errors).toBeUndefined();
    expect(first.data._recordActivity).toMatchObject({
      kind: 'BOOKING_CREATED',
      at: '2027-01-05T08:00:00.000Z',
      booking: { id: created.bookingId },
      user: { id: member.user!.id },
      workspace: { id: created.workspaceId },
    });
    const cancelled = await record({ ...created, kind: 'BOOKING_CANCELLED', at: '2027-01-06T08:00:00+02:00' });
    expect(cancelled.data._recordActivity.kind).toBe('BOOKING_CANCELLED');
    expect(cancelled.data._recordActivity.id).not.toBe(first.data._recordActivity.id);

    const stored = await rows('select kind, user_id, workspace_id, starts_at, ends_at, amount, currency, at from activity where booking_id = ? order by at', [
      created.bookingId,
    ]);
    expect(stored).toEqual([
      {
        kind: 'BOOKING_CREATED',
        user_id: member.user!.id,
        workspace_id: created.workspaceId,
        amount: 1000,
        currency: 'EUR',
        starts_at: '2027-01-10 09:00:00+00',
        ends_at: '2027-01-10 11:00:00+00',
        at: '2027-01-05 08:00:00+00',
      },
      expect.objectContaining({ kind: 'BOOKING_CANCELLED', at: '2027-01-06 06:00:00+00' }),
    ]);
  });

  it('records a redelivered event once, also when ten deliveries race', async () => {
    const e = event({ startsAt: '2027-01-11T09:00:00Z', endsAt: '2027-01-11T10:00:00Z', at: '2027-01-05T09:00:00Z' });
    const first = (await record(e)).data._recordActivity.id;
    // A redelivery with different details still answers with the row first recorded.
    const again = await record({ ...e, amount: { amount: 5, currency: 'EUR' } });
    expect(again.data._recordActivity.id).toBe(first);
    expect(await rows('select amount from activity where booking_id = ?', [e.bookingId])).toEqual([{ amount: 1000 }]);

    const racing = event({ startsAt: '2027-01-12T09:00:00Z', endsAt: '2027-01-12T10:00:00Z', at: '2027-01-05T10:00:00Z' });
    const results = await Promise.all(Array.from({ length: 10 }, () => record(racing)));
    expect(results.map((r) => r.errors)).toEqual(Array(10).fill(undefined));
    expect(new Set(results.map((r) => r.data._recordActivity.id)).size).toBe(1);
    expect(await rows('select count(*)::int as n from activity where booking_id = ?', [racing.bookingId])).toEqual([{ n: 1 }]);
  });

  it('records a batch in one go, once per (kind, bookingId) however often it comes, refusing an invalid event alone', async () => {
    const RECORD_MANY = 'mutation ($inputs: [RecordActivityInput!]!) { _recordActivities(inputs: $inputs) }';
    const times = { startsAt: '2099-05-01T09:00:00.000Z', endsAt: '2099-05-01T10:00:00.000Z', at: '2099-04-01T00:00:00.000Z' };
    const created = event(times);
    const other = event(times);
    const cancelled = { ...created, kind: 'BOOKING_CANCELLED', at: '2099-04-02T00:00:00.000Z' };
    const bad = event({ ...times, endsAt: times.startsAt });
    const first = await app.run(RECORD_MANY, { inputs: [created, bad, other, cancelled] }, booking);
    expect(first.errors).toBeUndefined();
    expect(first.data._recordActivities).toEqual([null, 'startsAt must be before endsAt.', null, null]);
    const again = await app.run(RECORD_MANY, { inputs: [created, other, cancelled, created] }, booking);
    expect(again.data._recordActivities).toEqual([null, null, null, null]);
    const kept = await rows('select kind, booking_id from activity where booking_id in (?, ?, ?) order by at, kind', [
      created.bookingId,
      other.bookingId,
      bad.bookingId,
    ]);
    expect(kept.map((r: any) => [r.kind, r.booking_id]).sort()).toEqual(
      [
        ['BOOKING_CANCELLED', created.bookingId],
        ['BOOKING_CREATED', created.bookingId],
        ['BOOKING_CREATED', other.bookingId],
      ].sort(),
    );
    const refused = await app.run(RECORD_MANY, { inputs: [created] }, asService('payment'));
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets only the booking subgraph record', async () => {
    const e = event({ startsAt: '2027-01-13T09:00:00Z', endsAt: '2027-01-13T10:00:00Z', at: '2027-01-05T11:00:00Z' });
    expect((await record(e, asService('payment'))).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await record(e, admin)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await rows('select id from activity where booking_id = ?', [e.bookingId])).toEqual([]);
  });

  it.each([
    [{ kind: 'BOOKING_MOVED' }, 'kind must be one of BOOKING_CREATED, BOOKING_CANCELLED.'],
    [{ bookingId: 'nope' }, 'bookingId is not a valid id.'],
    [{ endsAt: '2027-01-14T09:00:00Z' }, 'startsAt must be before endsAt.'],
    [{ amount: { amount: -1, currency: 'EUR' } }, 'amount.amount must be a whole number of minor units (cents), 0 or more.'],
    [{ amount: { amount: 1, currency: 'EURO' } }, 'amount.currency must be an ISO-4217 code such as EUR, got "EURO".'],
  ])('rejects a malformed event %j', async (patch, message) => {
    const e = event({ startsAt: '2027-01-14T09:00:00Z', endsAt: '2027-01-14T10:00:00Z', at: '2027-01-05T12:00:00Z', ...patch });
    expect((await record(e)).errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('bookingReport', () => {
  // Range: 2026-12-01T00:00Z to 2026-12-02T00:00Z, 24 hours. No other test records events in 2026.
  const from = '2026-12-01T00:00:00Z';
  const to = '2026-12-02T00:00:00Z';
  const w1 = '00000000-0000-4000-8000-0000000000a1';
  const w2 = '00000000-0000-4000-8000-0000000000a2';
  const eur = (amount: number) => ({ amount, currency: 'EUR' });

  beforeAll(async () => {
    const b3 = event({ workspaceId: w2, startsAt: '2026-12-01T14:00:00Z', endsAt: '2026-12-01T20:00:00Z', amount: eur(12000), at: '2026-12-01T09:00:00Z' });
    const b7 = event({ workspaceId: w2, startsAt: '2026-12-01T06:00:00Z', endsAt: '2026-12-01T07:00:00Z', amount: eur(3000), at: '2026-11-28T10:00:00Z' });
    const events = [
      // B1, booked before the range, straddles its start: 2 h inside, not counted as created.
      event({ workspaceId: w1, startsAt: '2026-11-30T22:00:00Z', endsAt: '2026-12-01T02:00:00Z', amount: eur(4000), at: '2026-11-25T10:00:00Z' }),
      // B2: 3.5 h, 70.00 EUR.
      event({ workspaceId: w1, startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T13:30:00Z', amount: eur(7000), at: '2026-12-01T08:00:00Z' }),
      // B3: booked and cancelled inside the range: counted both ways, refunded, no occupancy.
      b3,
      { ...b3, kind: 'BOOKING_CANCELLED', at: '2026-12-01T11:00:00Z' },
      // B4 straddles the end: 2 h inside, 50.00 EUR.
      event({ workspaceId: w2, startsAt: '2026-12-01T22:00:00Z', endsAt: '2026-12-02T03:00:00Z', amount: eur(5000), at: '2026-12-01T12:00:00Z' }),
      // B5 in USD: counted as created, not in EUR revenue; its hours are outside the range.
      event({
        workspaceId: w1,
        startsAt: '2026-12-05T10:00:00Z',
        endsAt: '2026-12-05T11:00:00Z',
        amount: { amount: 9900, currency: 'USD' },
        at: '2026-12-01T15:00:00Z',
      }),
      // B6 booked exactly at `to`: outside the half-open range.
      event({ workspaceId: w1, startsAt: '2026-12-03T10:00:00Z', endsAt: '2026-12-03T11:00:00Z', amount: eur(1000), at: to }),
      // B7 booked and cancelled before the range: neither counted nor occupying.
      b7,
      { ...b7, kind: 'BOOKING_CANCELLED', at: '2026-11-29T10:00:00Z' },
    ];
    for (const e of events) expect((await record(e)).errors).toBeUndefined();
  });

  it('counts, nets revenue and computes occupancy on a hand-computed fixture', async () => {
    const { data, errors } = await app.run(REPORT, { from, to }, admin);
    expect(errors).toBeUndefined();
    expect(data.bookingReport).toEqual({
      bookingsCreated: 4, // B2, B3, B4, B5
      bookingsCancelled: 1, // B3
      revenue: { amount: 12000, currency: 'EUR' }, // 7000 + 12000 + 5000 - 12000 refunded
      occupancy: [
        { workspace: { id: w1 }, bookedHours: 5.5, occupancyRate: 0.2292 }, // (2 + 3.5) / 24
        { workspace: { id: w2 }, bookedHours: 2, occupancyRate: 0.0833 }, // 2 / 24
      ],
    });
  });

  it('reports in the configured platform currency', async () => {
    const usd = await initTestApp(reportingSubgraph, { env: { PLATFORM_CURRENCY: 'usd' } });
    try {
      const e = event({
        startsAt: '2026-12-05T10:00:00Z',
        endsAt: '2026-12-05T11:00:00Z',
        amount: { amount: 9900, currency: 'USD' },
        at: '2026-12-01T15:00:00Z',
      });
      await usd.run(RECORD, { input: e }, booking);
      await usd.run(RECORD, { input: { ...e, bookingId: randomUUID(), amount: eur(500) } }, booking);
      const { data } = await usd.run(
        'query ($from: DateTime!, $to: DateTime!) { bookingReport(from: $from, to: $to) { bookingsCreated revenue { amount currency } } }',
        { from, to },
        admin,
      );
      expect(data.bookingReport).toEqual({ bookingsCreated: 2, revenue: { amount: 9900, currency: 'USD' } });
    } finally {
      await usd.close();
    }
  });

  it('rejects a range that is empty, reversed or longer than 366 days', async () => {
    for (const vars of [
      { from: to, to: from },
      { from, to: from },
    ]) {
      const { errors } = await app.run(REPORT, vars, admin);
      expect(errors?.[0]).toMatchObject({ message: 'from must be before to.', extensions: { code: 'BAD_USER_INPUT', field: 'from' } });
    }
    const long = await app.run(REPORT, { from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:01Z' }, admin);
    expect(long.errors?.[0]).toMatchObject({ message: 'The range must be at most 366 days.', extensions: { code: 'BAD_USER_INPUT' } });
    const leapYear = await app.run(REPORT, { from: '2028-01-01T00:00:00Z', to: '2029-01-01T00:00:00Z' }, admin);
    expect(leapYear.errors).toBeUndefined();
    expect(leapYear.data.bookingReport).toEqual({ bookingsCreated: 0, bookingsCancelled: 0, revenue: { amount: 0, currency: 'EUR' }, occupancy: [] });
  });

  it('is for admins only', async () => {
    expect((await app.run(REPORT, { from, to }, member)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(REPORT, { from, to }, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await app.run(ACTIVITY, {}, member)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(ACTIVITY, {}, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('activity log', () => {
  it('pages newest first by record time', async () => {
    const expected = (await rows('select id from activity order by created_at desc, id desc')).map((r: any) => r.id as string);
    expect(expected.length).toBeGreaterThan(3);
    const first = (await app.run(ACTIVITY, { first: 2 }, admin)).data.activity;
    expect(first.totalCount).toBe(expected.length);
    expect(first.edges.map((e: any) => e.node.id)).toEqual(expected.slice(0, 2));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = (await app.run(ACTIVITY, { first: 2, after: first.pageInfo.endCursor }, admin)).data.activity;
    expect(second.edges.map((e: any) => e.node.id)).toEqual(expected.slice(2, 4));
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    expect((await app.run(ACTIVITY, { after: 'not-a-cursor' }, admin)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await app.run(ACTIVITY, { first: 101 }, admin)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('resolves Activity entities for admins and platform services, not for members', async () => {
    const e = event({ startsAt: '2027-02-01T09:00:00Z', endsAt: '2027-02-01T10:00:00Z', at: '2027-01-20T08:00:00Z' });
    const id = (await record(e)).data._recordActivity.id;
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Activity { id kind at workspace { id } } } }`;
    const r = [
      { __typename: 'Activity', id },
      { __typename: 'Activity', id: '00000000-0000-4000-8000-00000000ffff' },
      { __typename: 'Activity', id: 'nope' },
    ];
    const expected = [{ id, kind: 'BOOKING_CREATED', at: '2027-01-20T08:00:00.000Z', workspace: { id: e.workspaceId } }, null, null];
    for (const identity of [admin, asService('admin')]) {
      const { data, errors } = await app.run(query, { r }, identity);
      expect(errors).toBeUndefined();
      expect(data._entities).toEqual(expected);
    }
    const denied = await app.run(query, { r: r.slice(0, 1) }, member);
    expect(denied.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(denied.data?._entities).toEqual([null]);
  });
});
