/**
 * End to end, like a user: the README's command starts the real processes, and everything goes
 * through the gateway: accounts, a workspace, bookings resolved across subgraphs, conflicts,
 * cancellation with refund, notifications, reports and the admin dashboard.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseServiceKeys, signServiceToken } from '@wsb/kernel';
import { expiredServiceToken } from '@wsb/kernel/src/testing';
import { bearer, gql } from '../support/client';
import { waitFor } from '@wsb/kernel/src/testing';
import { ROOT, startPlatform, SUBGRAPHS, type Platform } from '../support/platform';

jest.setTimeout(240_000);

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
// Known here so the test can sign forged and expired service tokens against the real key.
const SERVICE_JWT_KEYS = `e2e:${randomBytes(24).toString('hex')}`;
let platform: Platform;
let url: string;

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken expiresAt user { id email name role } } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken user { id role } } }`;
const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id name capacity hourlyRate { amount currency } } }`;
const CREATE_BOOKING = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { id status price { amount currency } } }`;
const READ_BOOKING = `query ($id: ID!) { booking(id: $id) {
  id status startsAt endsAt attendees price { amount currency }
  user { id email name } workspace { id name kind } payment { status amount { amount currency } }
} }`;

/** Whole hours from now, at a round hour, so tests never book in the past. */
function slot(dayOffset: number, startHour: number, hours = 1) {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + dayOffset);
  start.setUTCHours(startHour, 0, 0, 0);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + hours * 3600_000).toISOString() };
}

async function register(email: string, name: string) {
  const res = await gql(url, REGISTER, { input: { email, password: 'correct-horse-1', name } });
  expect(res.errors).toBeUndefined();
  return res.data.register as { accessToken: string; user: { id: string; email: string; name: string; role: string } };
}

let alice: { token: string; id: string };
let bob: { token: string; id: string };
let admin: { token: string; id: string };
let workspaceId: string;

beforeAll(async () => {
  platform = await startPlatform({
    basePort: 13100,
    // No broker here, whatever the environment says: the embedded default (the outbox relay calls
    // notification and reporting directly) stays covered end to end; reliability.test.ts runs RabbitMQ.
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, SERVICE_JWT_KEYS, AMQP_URL: '' },
  });
  url = platform.gatewayUrl;
});
afterAll(async () => {
  await platform?.stop();
});

describe('the booking flow through the gateway', () => {
  it('registers two members and logs in the bootstrap admin', async () => {
    const a = await register('alice@example.com', 'Alice');
    const b = await register('bob@example.com', 'Bob');
    expect(a.user).toMatchObject({ email: 'alice@example.com', name: 'Alice', role: 'MEMBER' });
    alice = { token: a.accessToken, id: a.user.id };
    bob = { token: b.accessToken, id: b.user.id };
    const login = await gql(url, LOGIN, { input: ADMIN });
    expect(login.errors).toBeUndefined();
    expect(login.data.login.user.role).toBe('ADMIN');
    admin = { token: login.data.login.accessToken, id: login.data.login.user.id };
    const me = await gql(url, '{ me { id email role } }', {}, bearer(alice.token));
    expect(me.data.me).toEqual({ id: alice.id, email: 'alice@example.com', role: 'MEMBER' });
  });

  it('lets the admin create a workspace, and no one else', async () => {
    const input = { name: 'Orion', kind: 'MEETING_ROOM', capacity: 4, hourlyRate: { amount: 3000, currency: 'EUR' }, timezone: 'Europe/Berlin' };
    const denied = await gql(url, CREATE_WORKSPACE, { input }, bearer(alice.token));
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const created = await gql(url, CREATE_WORKSPACE, { input }, bearer(admin.token));
    expect(created.errors).toBeUndefined();
    workspaceId = created.data.createWorkspace.id;
  });

  let bookingId: string;
  it('books the workspace and reads the booking back across subgraphs', async () => {
    const res = await gql(url, CREATE_BOOKING, { input: { workspaceId, ...slot(2, 9), attendees: 3 } }, bearer(alice.token));
    expect(res.errors).toBeUndefined();
    expect(res.data.createBooking).toMatchObject({ status: 'CONFIRMED', price: { amount: 3000, currency: 'EUR' } });
    bookingId = res.data.createBooking.id;
    const read = await gql(url, READ_BOOKING, { id: bookingId }, bearer(alice.token));
    expect(read.errors).toBeUndefined();
    expect(read.data.booking).toMatchObject({
      id: bookingId,
      attendees: 3,
      user: { id: alice.id, email: 'alice@example.com', name: 'Alice' },
      workspace: { id: workspaceId, name: 'Orion', kind: 'MEETING_ROOM' },
      payment: { status: 'CAPTURED', amount: { amount: 3000, currency: 'EUR' } },
    });
    const others = await gql(url, READ_BOOKING, { id: bookingId }, bearer(bob.token));
    expect(others.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(others.data?.booking ?? null).toBeNull();
  });

  it('refuses an overlapping booking and accepts a back-to-back one', async () => {
    const overlap = await gql(url, CREATE_BOOKING, { input: { workspaceId, ...slot(2, 9) } }, bearer(bob.token));
    expect(overlap.errors?.[0]).toMatchObject({ extensions: { code: 'BOOKING_CONFLICT' } });
    expect(overlap.errors?.[0].message).toMatch(/already booked/);
    const backToBack = await gql(url, CREATE_BOOKING, { input: { workspaceId, ...slot(2, 10) } }, bearer(bob.token));
    expect(backToBack.errors).toBeUndefined();
    expect(backToBack.data.createBooking.status).toBe('CONFIRMED');
    const available = await gql(url, `query ($id: ID!, $s: DateTime!, $e: DateTime!) { workspace(id: $id) { isAvailable(startsAt: $s, endsAt: $e) } }`, {
      id: workspaceId,
      s: slot(2, 9).startsAt,
      e: slot(2, 11).startsAt,
    });
    expect(available.data.workspace.isAvailable).toBe(false);
  });

  it('cancels with a refund, and the confirmation and cancellation reach notifications and reports', async () => {
    const cancel = await gql(url, `mutation ($id: ID!) { cancelBooking(id: $id) { status cancelledAt } }`, { id: bookingId }, bearer(alice.token));
    expect(cancel.errors).toBeUndefined();
    expect(cancel.data.cancelBooking.status).toBe('CANCELLED');
    const read = await gql(url, READ_BOOKING, { id: bookingId }, bearer(alice.token));
    expect(read.data.booking.payment.status).toBe('REFUNDED');

    const kinds = await waitFor(async () => {
      const res = await gql(url, '{ myNotifications { kind status subject } }', {}, bearer(alice.token));
      const found = (res.data?.myNotifications ?? []).map((n: { kind: string; status: string }) => `${n.kind}:${n.status}`).sort();
      return found.length >= 2 ? found : undefined;
    }, 15_000);
    expect(kinds).toEqual(['BOOKING_CANCELLED:SENT', 'BOOKING_CONFIRMED:SENT']);
    const logs = await platform.dev('logs', 'notification-service');
    expect(logs).toContain('alice@example.com');

    const activity = await waitFor(async () => {
      const res = await gql(
        url,
        '{ activity(first: 10) { totalCount edges { node { kind booking { id } user { email } workspace { name } } } } }',
        {},
        bearer(admin.token),
      );
      return res.data?.activity.totalCount >= 3 ? res.data.activity : undefined;
    }, 15_000);
    const rows = activity.edges.map((e: any) => `${e.node.kind}:${e.node.booking.id === bookingId ? 'alice' : 'bob'}`).sort();
    expect(rows).toEqual(['BOOKING_CANCELLED:alice', 'BOOKING_CREATED:alice', 'BOOKING_CREATED:bob']);
    expect(activity.edges[0].node.workspace.name).toBe('Orion');

    const from = slot(-1, 0).startsAt;
    const to = slot(5, 0).startsAt;
    const report = await gql(
      url,
      `query ($from: DateTime!, $to: DateTime!) { bookingReport(from: $from, to: $to) {
      bookingsCreated bookingsCancelled revenue { amount currency } occupancy { workspace { name } bookedHours } } }`,
      { from, to },
      bearer(admin.token),
    );
    expect(report.errors).toBeUndefined();
    expect(report.data.bookingReport).toMatchObject({
      bookingsCreated: 2,
      bookingsCancelled: 1,
      revenue: { amount: 3000, currency: 'EUR' },
      occupancy: [{ workspace: { name: 'Orion' }, bookedHours: 1 }],
    });
  });

  it('opens the admin dashboard with counts and every subgraph UP', async () => {
    const res = await gql(
      url,
      `{ adminDashboard { userCount workspaceCount activeBookings revenueToday { amount currency }
      services { name status latencyMs } recentActivity(first: 2) { kind } } }`,
      {},
      bearer(admin.token),
    );
    expect(res.errors).toBeUndefined();
    const dashboard = res.data.adminDashboard;
    expect(dashboard).toMatchObject({ userCount: 3, workspaceCount: 1, activeBookings: 1, revenueToday: { amount: 3000, currency: 'EUR' } });
    expect(dashboard.services).toHaveLength(8);
    expect(dashboard.services.every((s: { status: string }) => s.status === 'UP')).toBe(true);
    expect(dashboard.recentActivity).toHaveLength(2);
    const member = await gql(url, '{ adminDashboard { userCount } }', {}, bearer(alice.token));
    expect(member.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('gives 50 simultaneous bookings of one slot exactly one winner', async () => {
    const input = { workspaceId, ...slot(3, 14) };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => gql(url, CREATE_BOOKING, { input }, bearer(i % 2 ? alice.token : bob.token))));
    const won = results.filter((r) => r.data?.createBooking?.status === 'CONFIRMED');
    const conflicts = results.filter((r) => r.errors?.[0].extensions?.code === 'BOOKING_CONFLICT');
    expect(won).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    const rows = await platform.sql('booking', `select count(*)::int as n from booking where workspace_id = $1 and starts_at = $2 and status <> 'CANCELLED'`, [
      workspaceId,
      input.startsAt,
    ]);
    expect(rows[0].n).toBe(1);
    const payments = await platform.sql('payment', 'select count(*)::int as n from payment where booking_id = $1', [won[0].data.createBooking.id]);
    expect(payments[0].n).toBe(1);
  });
});

describe('query cost through the gateway', () => {
  // The README's own federated example (booking, user, workspace, payment), at the largest page.
  const readmePage = readFileSync(join(ROOT, 'README.md'), 'utf8')
    .match(/query \{ myBookings\(first: \d+\)[^\n]*\n[^\n]*/)![0]
    .replace(/first: \d+/, 'first: 100');

  it('answers the README example at first: 100', async () => {
    const res = await gql(url, readmePage, {}, bearer(bob.token));
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    const nodes = res.data.myBookings.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(1);
    for (const node of nodes) {
      expect(node).toMatchObject({
        status: 'CONFIRMED',
        user: { name: 'Bob', email: 'bob@example.com' },
        workspace: { name: 'Orion' },
        payment: { status: 'CAPTURED' },
      });
    }
  });

  it('refuses it twice over, aliased, as too expensive, with the cost and the limit', async () => {
    const once = readmePage.slice('query {'.length, readmePage.lastIndexOf('}'));
    const res = await gql(url, `query { a: ${once.trim()} b: ${once.trim()} }`, {}, bearer(bob.token));
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      {
        message: "The query's estimated cost 1202 is over the limit of 1000: ask for fewer items (first) or fewer nested lists.",
        extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 1202, limit: 1000 },
      },
    ]);
  });
});

describe('bad input through the gateway', () => {
  const book = (input: Record<string, unknown>, token = alice.token) => gql(url, CREATE_BOOKING, { input }, bearer(token));
  const codeAndMessage = (res: Awaited<ReturnType<typeof gql>>) => [res.errors?.[0].extensions?.code, res.errors?.[0].message];

  it.each([
    [
      'times reversed',
      () => ({ workspaceId, startsAt: slot(4, 10).startsAt, endsAt: slot(4, 9).startsAt }),
      'BAD_USER_INPUT',
      /startsAt must be before endsAt/,
    ],
    ['in the past', () => ({ workspaceId, ...slot(-2, 9) }), 'BAD_USER_INPUT', /must not be in the past/],
    ['no offset', () => ({ workspaceId, startsAt: '2030-01-01T09:00:00', endsAt: '2030-01-01T10:00:00' }), 'BAD_USER_INPUT', /offset/],
    ['over capacity', () => ({ workspaceId, ...slot(4, 9), attendees: 5 }), 'BAD_USER_INPUT', /exceeds the workspace's capacity \(4\)/],
    ['unknown workspace', () => ({ workspaceId: '00000000-0000-4000-8000-000000000000', ...slot(4, 9) }), 'NOT_FOUND', /was not found/],
    ['malformed workspace id', () => ({ workspaceId: 'not-an-id', ...slot(4, 9) }), 'BAD_USER_INPUT', /workspaceId is not a valid id/],
  ])('createBooking %s', async (_name, input, code, message) => {
    const [gotCode, gotMessage] = codeAndMessage(await book(input()));
    expect(gotCode).toBe(code);
    expect(gotMessage).toMatch(message);
  });

  it('refuses a duplicate email, a wrong password and an unknown email alike', async () => {
    const dup = await gql(url, REGISTER, { input: { email: 'ALICE@example.com', password: 'whatever-123', name: 'A' } });
    expect(codeAndMessage(dup)).toEqual(['BAD_USER_INPUT', 'An account with this email already exists.']);
    const wrong = await gql(url, LOGIN, { input: { email: 'alice@example.com', password: 'wrong-password' } });
    const unknown = await gql(url, LOGIN, { input: { email: 'nobody@example.com', password: 'wrong-password' } });
    expect(codeAndMessage(wrong)).toEqual(['UNAUTHENTICATED', 'Email or password is incorrect.']);
    expect(codeAndMessage(unknown)).toEqual(codeAndMessage(wrong));
  });

  it('answers an unknown booking id with null and a malformed cancel with BAD_USER_INPUT', async () => {
    const read = await gql(url, READ_BOOKING, { id: '00000000-0000-4000-8000-000000000000' }, bearer(alice.token));
    expect(read.errors).toBeUndefined();
    expect(read.data.booking).toBeNull();
    const cancel = await gql(url, 'mutation { cancelBooking(id: "x") { id } }', {}, bearer(alice.token));
    expect(codeAndMessage(cancel)).toEqual(['BAD_USER_INPUT', 'id is not a valid id.']);
  });

  it('never shows a stack trace or SQL', async () => {
    const res = await gql(url, CREATE_BOOKING, { input: { workspaceId, startsAt: 'yesterday', endsAt: 12 } }, bearer(alice.token));
    const text = JSON.stringify(res);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|stacktrace|select |insert into/i);
  });
});

describe('the platform around the graph', () => {
  it('serves Apollo Sandbox at / and answers health and readiness everywhere', async () => {
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/sandbox/i);
    for (const base of [url, ...SUBGRAPHS.map((s) => platform.serviceUrl(s))]) {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
    }
  });

  it('refuses a subgraph reached directly, and ignores identity headers a client makes up', async () => {
    for (const service of SUBGRAPHS) {
      for (const query of ['{ _service { sdl } }', `{ _entities(representations: [{ __typename: "User", id: "${alice.id}" }]) { __typename } }`]) {
        const direct = await gql(platform.serviceUrl(service), query, {}, { 'x-user-id': alice.id, 'x-user-role': 'ADMIN' });
        expect([service, direct.status, direct.data]).toEqual([service, 401, undefined]);
      }
    }
    const spoofed = await gql(url, '{ users { totalCount } }', {}, { 'x-user-id': admin.id, 'x-user-role': 'ADMIN' });
    expect(spoofed.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses forged and expired service tokens at every subgraph', async () => {
    const [key] = parseServiceKeys(SERVICE_JWT_KEYS, []);
    const forged = await signServiceToken(
      { caller: 'gateway', user: { id: admin.id, role: 'ADMIN' } },
      parseServiceKeys('e2e:forged-key-that-is-long-enough-0123456789', []),
    );
    const expired = await expiredServiceToken({ caller: 'gateway', user: { id: admin.id, role: 'ADMIN' } }, [key]);
    const valid = await signServiceToken({ caller: 'gateway', user: { id: admin.id, role: 'ADMIN' } }, [key]);
    for (const service of SUBGRAPHS) {
      for (const token of [forged, expired]) {
        const res = await gql(platform.serviceUrl(service), '{ _service { sdl } }', {}, bearer(token));
        expect([service, res.status, res.data]).toEqual([service, 401, undefined]);
      }
      expect((await gql(platform.serviceUrl(service), '{ _service { sdl } }', {}, bearer(valid))).status).toBe(200);
    }
  });

  it('holds the login limit across two gateway processes', async () => {
    const port = Number(platform.env.GATEWAY_PORT) + 1;
    // From the build, as ./dev.sh runs it (tsx compiling the gateway at start is slow on a busy machine).
    const second: ChildProcess = spawn(process.execPath, ['gateway/dist/index.js'], {
      cwd: ROOT,
      env: { ...platform.env, GATEWAY_PORT: String(port), GATEWAY_METRICS_PORT: '0', LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    try {
      const other = `http://localhost:${port}`;
      await waitFor(async () => ((await fetch(`${other}/health`).catch(() => undefined))?.ok ? true : undefined), 60_000);
      const codes: string[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await gql(i % 2 ? other : url, LOGIN, { input: { email: 'target@example.com', password: `guess-${i}` } });
        codes.push(res.errors?.[0].extensions?.code);
      }
      // RATE_LIMIT_AUTH_PER_EMAIL is 10 per 15 minutes, whichever gateway the attempts come through.
      expect(codes).toEqual([...Array(10).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    } finally {
      second.kill('SIGTERM');
    }
  });

  it('delivers booking events without a broker when AMQP_URL is empty (the embedded default)', async () => {
    // The whole log (./dev.sh logs shows its last 200 lines, and every request adds one).
    const logs = readFileSync(join(platform.env.WSB_RUN_DIR!, 'logs', 'booking-service.log'), 'utf8');
    const started = logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'outbox relay started');
    expect(started).toMatchObject({ mode: 'direct' });
    expect(logs).not.toMatch(/message broker/);
  });

  it('reports every service UP in ./dev.sh status', async () => {
    const status = await platform.dev('status');
    for (const name of ['auth-service', 'booking-service', 'admin-service', 'gateway']) expect(status).toMatch(new RegExp(`${name}.*UP`));
  });
});
