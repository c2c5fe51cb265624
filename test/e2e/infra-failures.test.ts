/**
 * The platform's other real parts failing under it, end to end: one platform (`./dev.sh start all`)
 * on a PostgreSQL, a Redis and a RabbitMQ of this test's own, so each can be stopped and started
 * again without disturbing the machine's servers:
 * - PostgreSQL (the platform's embedded server) stopped and started again while bookings are being
 *   made: requests meanwhile get DEPENDENCY_UNAVAILABLE (no INTERNAL_SERVER_ERROR, no SQL), /ready
 *   says 503, every service reconnects, bookings succeed again, and nothing is left half-written;
 * - Redis stopped and started: rate limits fall back to per-process counters (requests still
 *   served, still limited) and go back to the shared Redis counters when it is back;
 * - RabbitMQ stopped and started: bookings made before, during and after the outage each get
 *   exactly one confirmation and one activity row.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bearer, gql, pool, type GraphQLResult } from '../support/client';
import { waitFor } from '@wsb/kernel/src/testing';
import { ownRabbit, ownRedis, type OwnServer } from '../support/own-servers';
import { startPlatform, SUBGRAPHS, type Platform, type Service } from '../support/platform';

jest.setTimeout(300_000);

const run = promisify(execFile);
const OFFSET = Number(process.env.WSB_E2E_PORT_OFFSET ?? 0);
// Outside every e2e platform's ports (basePort+0..7, +900, +1000, +1050).
const REDIS_PORT = 13380 + OFFSET;
const AMQP_PORT = 13381 + OFFSET;
const AMQP_DIST_PORT = 13382 + OFFSET;
const ANONYMOUS_LIMIT = 4;
const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
const CREATE_BOOKING = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { id status } }`;
const WORKSPACES = `query { workspaces(first: 1) { totalCount } }`;
const HOUR = 3600_000;
/** What no client may see in an error message: SQL, driver or stack details. */
const LEAK = /select |insert |update |delete |postgres|econnrefused|sqlstate|terminat|knex|mikro|\.ts:|\.js:|\n\s+at /i;

let platform: Platform;
let url: string;
let redis: OwnServer;
let rabbit: OwnServer;
let users: { token: string; id: string }[] = [];
let workspaceId: string;
let slot = 0;

const base = (() => {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime() + 24 * HOUR;
})();
/** A fresh one-hour slot on the shared workspace for every booking of this run. */
function nextSlot() {
  const start = base + slot++ * HOUR;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + HOUR).toISOString() };
}
interface Outcome {
  code: string;
  message?: string;
  id?: string;
}
async function book(user: { token: string }, input: Record<string, unknown> = { workspaceId, ...nextSlot() }): Promise<Outcome> {
  const res = await gql(url, CREATE_BOOKING, { input }, bearer(user.token)).catch(
    (err: Error) => ({ status: 0, errors: [{ message: err.message, extensions: { code: 'NETWORK' } }] }) as GraphQLResult,
  );
  const booked = res.data?.createBooking;
  if (booked) return { code: booked.status, id: booked.id };
  return { code: res.errors?.[0].extensions?.code ?? `HTTP ${res.status}`, message: res.errors?.[0].message };
}
const tally = (codes: string[]) => codes.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
const readyStatus = async (service: Service) => (await fetch(`${platform.serviceUrl(service)}/ready`).catch(() => ({ status: 0 }))).status;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** An anonymous request from `ip` (the gateway trusts X-Forwarded-For from loopback in this platform). */
const anonymous = (query: string, ip: string, variables: Record<string, unknown> = {}) => gql(url, query, variables, { 'x-forwarded-for': ip });

beforeAll(async () => {
  const started = Date.now();
  redis = ownRedis(REDIS_PORT);
  rabbit = ownRabbit(AMQP_PORT, AMQP_DIST_PORT);
  const brokerUp = rabbit.start().then(() => console.log(`own RabbitMQ node up in ${((Date.now() - started) / 1000).toFixed(1)} s`));
  await redis.start();
  // The platform starts while the broker boots: its services connect once it answers, and /ready waits for that.
  platform = await startPlatform({
    basePort: 13360,
    embeddedDatabase: true,
    env: {
      REDIS_URL: redis.url,
      AMQP_URL: rabbit.url,
      AMQP_RETRY_DELAY_MS: '1000',
      OUTBOX_RETRY_BASE_MS: '200',
      OUTBOX_RETRY_MAX_MS: '2000',
      BOOKING_PENDING_TIMEOUT_MS: '30000',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      TRUSTED_PROXIES: 'loopback',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_LIMIT),
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
      RATE_LIMIT_AUTH_PER_IP: '100000',
      RATE_LIMIT_AUTH_PER_EMAIL: '100000',
      WSB_READY_TIMEOUT: '180',
      LOG_LEVEL: 'info',
    },
  }).catch(async (err) => {
    await Promise.allSettled([brokerUp, redis.dispose(), rabbit.dispose()]);
    throw err;
  });
  await brokerUp;
  url = platform.gatewayUrl;
  console.log(`own Redis, RabbitMQ node and platform started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const login = await anonymous(`mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`, '10.0.0.1', { input: ADMIN });
  const admin = login.data.login.accessToken;
  const created = await gql(
    url,
    `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id } }`,
    { input: { name: 'Outage', kind: 'MEETING_ROOM', capacity: 10, hourlyRate: { amount: 1200, currency: 'EUR' }, timezone: 'Europe/Berlin' } },
    bearer(admin),
  );
  expect(created.errors).toBeUndefined();
  workspaceId = created.data.createWorkspace.id;
  users = await pool(4, 2, async (i) => {
    const res = await anonymous(`mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, `10.0.1.${i}`, {
      input: { email: `outage${i}@example.com`, password: 'correct-horse-1', name: `Outage ${i}` },
    });
    expect(res.errors).toBeUndefined();
    return { token: res.data.register.accessToken, id: res.data.register.user.id };
  });
  // Warm up: a first booking per client, retried as a client would (same idempotency key) while a
  // freshly started platform on a busy machine is still slower than the 5 s service timeout.
  await Promise.all(
    users.map((user, i) => {
      const input = { workspaceId, ...nextSlot(), idempotencyKey: `warm-up-${i}` };
      return waitFor(async () => ((await book(user, input)).code === 'CONFIRMED' ? true : undefined), 60_000);
    }),
  );
});

afterAll(async () => {
  await platform?.stop();
  await Promise.allSettled([redis?.dispose(), rabbit?.dispose()]);
});

/** Books on every user's behalf in a loop until `until` resolves; returns every outcome in order. */
async function bookUntil(until: Promise<unknown>): Promise<Outcome[]> {
  let done = false;
  void until.finally(() => (done = true));
  const outcomes: Outcome[] = [];
  await Promise.all(
    users.map(async (user) => {
      while (!done) {
        outcomes.push(await book(user));
        await sleep(50);
      }
    }),
  );
  return outcomes;
}

describe('PostgreSQL restarted during load', () => {
  it('answers DEPENDENCY_UNAVAILABLE while it is down, reports not ready, and every service reconnects', async () => {
    // Before: every client books once with the database up.
    const before = await Promise.all(users.map((user) => book(user)));
    expect(before.filter((o) => o.code !== 'CONFIRMED')).toEqual([]);
    const notReady: Record<string, number> = {};
    let afterRestart: Outcome | undefined;
    const started = Date.now();
    const outage = (async () => {
      await sleep(1000);
      await platform.dev('stop', 'embedded-postgres');
      const down = Date.now();
      await sleep(500);
      for (const service of SUBGRAPHS) notReady[service] = await readyStatus(service);
      await sleep(2500);
      await platform.dev('start', 'embedded-postgres');
      console.log(`PostgreSQL down for ${((Date.now() - down) / 1000).toFixed(1)} s`);
      // Load goes on until a booking made after the restart is confirmed.
      afterRestart = await waitFor(async () => {
        const outcome = await book(users[0]);
        return outcome.code === 'CONFIRMED' ? outcome : undefined;
      }, 30_000);
    })();
    const outcomes = await bookUntil(outage);
    await outage;
    console.log(`PostgreSQL restart under load: ${JSON.stringify(tally(outcomes.map((o) => o.code)))} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const failures = outcomes.filter((o) => o.code !== 'CONFIRMED');
    expect(failures.length).toBeGreaterThan(0);
    expect(tally(failures.map((o) => o.code))).toEqual({ DEPENDENCY_UNAVAILABLE: failures.length });
    for (const failure of failures) expect(failure.message).not.toMatch(LEAK);
    expect(afterRestart?.code).toBe('CONFIRMED');
    expect(notReady).toEqual(Object.fromEntries(SUBGRAPHS.map((s) => [s, 503])));

    // Every subgraph's pool reconnected: each is ready and answers a read of its own database.
    for (const service of SUBGRAPHS) await waitFor(async () => ((await readyStatus(service)) === 200 ? true : undefined), 15_000);
    const reads = await gql(
      url,
      `query { me { id email } myBookings(first: 1) { totalCount } myNotifications { kind } workspaces(first: 1) { totalCount } }`,
      {},
      bearer(users[0].token),
    );
    expect(reads.errors).toBeUndefined();
    expect(reads.data.me.id).toBe(users[0].id);
    expect(reads.data.myBookings.totalCount).toBeGreaterThan(0);
  });
});

describe('Redis stopped and started', () => {
  const ip = '10.0.9.9';
  const key = () => `${platform.env.RATE_LIMIT_KEY_PREFIX}:rl:anonymous:${ip}`;
  const redisCount = async () => {
    const { stdout } = await run('redis-cli', ['-p', String(REDIS_PORT), 'get', key()]);
    return Number(stdout.trim() || 0);
  };
  /** Anonymous reads from one address until the first RATE_LIMITED (at most `max`); how many were served. */
  async function servedUntilLimited(max: number): Promise<{ served: number; limited?: GraphQLResult }> {
    for (let served = 0; served < max; served++) {
      const res = await anonymous(WORKSPACES, ip);
      if (res.errors) {
        expect(res.errors[0].extensions?.code).toBe('RATE_LIMITED');
        return { served, limited: res };
      }
      expect(res.data.workspaces.totalCount).toBeGreaterThan(0);
    }
    return { served: max };
  }

  it('falls back to per-process limits while Redis is down (served, still limited) and shares them through Redis again once it is back', async () => {
    // Redis up: the shared counter limits this address.
    const shared = await servedUntilLimited(ANONYMOUS_LIMIT + 2);
    expect(shared.served).toBe(ANONYMOUS_LIMIT);
    expect(shared.limited?.errors?.[0].extensions?.retryAfter).toBeGreaterThan(0);
    expect(await redisCount()).toBe(ANONYMOUS_LIMIT + 1);

    // Redis down: the same address is served again, counted by the workspace process alone, and still limited.
    await redis.stop();
    const local = await servedUntilLimited(ANONYMOUS_LIMIT + 2);
    expect(local.served).toBe(ANONYMOUS_LIMIT);
    // Lines reach the file within 100 ms (written in batches).
    const log = await waitFor(async () => {
      const text = readFileSync(join(platform.runDir, 'logs', 'workspace-service.log'), 'utf8');
      return text.includes('Redis unavailable') ? text : undefined;
    }, 5000).catch(() => readFileSync(join(platform.runDir, 'logs', 'workspace-service.log'), 'utf8'));
    expect(log).toContain('Redis unavailable: rate limits fall back to this process only');

    // Redis back (empty): the process's own counter for this address is used up, so a request served
    // now was counted in Redis; then Redis limits it again.
    await redis.start();
    await waitFor(async () => ((await anonymous(WORKSPACES, ip)).data ? true : undefined), 20_000);
    expect(await redisCount()).toBe(1);
    const again = await servedUntilLimited(ANONYMOUS_LIMIT + 2);
    expect(again.served).toBe(ANONYMOUS_LIMIT - 1);
    expect(await redisCount()).toBe(ANONYMOUS_LIMIT + 1);
  });
});

describe('RabbitMQ restarted', () => {
  it('gives bookings made before, during and after the outage exactly one confirmation and one activity row', async () => {
    const batch = () => Promise.all(users.map((user) => book(user)));
    const before = await batch();
    await rabbit.stop();
    const down = Date.now();
    const during = [...(await batch()), ...(await batch())];
    const notReady = await Promise.all((['booking', 'notification', 'reporting'] as const).map(readyStatus));
    await rabbit.start();
    console.log(`RabbitMQ down for ${((Date.now() - down) / 1000).toFixed(1)} s`);
    const after = await batch();
    expect([...before, ...during, ...after].filter((o) => o.code !== 'CONFIRMED')).toEqual([]);
    expect(notReady).toEqual([503, 503, 503]);

    const ids = [...before, ...during, ...after].map((o) => o.id!);
    const started = Date.now();
    const counts = await waitFor(async () => {
      const c = await deliveries(ids);
      return c.every((row) => row.notifications >= 1 && row.activities >= 1) ? c : undefined;
    }, 60_000);
    console.log(`all 16 delivered ${((Date.now() - started) / 1000).toFixed(1)} s after the broker was back`);
    await sleep(2000); // a late duplicate would show up now
    expect(await deliveries(ids)).toEqual(counts);
    expect(counts.every((row) => row.notifications === 1 && row.activities === 1)).toBe(true);
    for (const service of ['booking', 'notification', 'reporting'] as const) expect(await readyStatus(service)).toBe(200);
  });
});

/** Per booking: its confirmation notifications and its BOOKING_CREATED activity rows. */
async function deliveries(ids: string[]): Promise<{ id: string; notifications: number; activities: number }[]> {
  const notifications = await platform.sql<{ dedupe_key: string }>(
    'notification',
    `select dedupe_key from notification where kind = 'BOOKING_CONFIRMED' and dedupe_key = any($1)`,
    [ids.map((id) => `BOOKING_CONFIRMED:${id}`)],
  );
  const activities = await platform.sql<{ booking_id: string }>(
    'reporting',
    `select booking_id from activity where kind = 'BOOKING_CREATED' and booking_id = any($1::uuid[])`,
    [ids],
  );
  return ids.map((id) => ({
    id,
    notifications: notifications.filter((n) => n.dedupe_key === `BOOKING_CONFIRMED:${id}`).length,
    activities: activities.filter((a) => a.booking_id === id).length,
  }));
}

describe('after the outages', () => {
  it('left nothing half-written: no PENDING after the sweep, every confirmed booking paid and announced once, every charge of a cancelled one refunded or scheduled', async () => {
    // The sweeper cancels a PENDING booking whose request died (the database went away under it) after BOOKING_PENDING_TIMEOUT_MS.
    await waitFor(async () => {
      const [row] = await platform.sql<{ n: number }>('booking', `select count(*)::int as n from booking where status = 'PENDING'`);
      return row.n === 0 ? true : undefined;
    }, 60_000);
    const bookings = await platform.sql<{ id: string; status: string; reason: string | null }>(
      'booking',
      `select id, status, cancellation_reason as reason from booking`,
    );
    const payments = await platform.sql<{ booking_id: string; status: string }>('payment', `select booking_id, status from payment`);
    const events = await platform.sql<{ type: string; booking_id: string }>('booking', `select type, payload->>'bookingId' as booking_id from outbox_event`);
    const statusOf = new Map(bookings.map((b) => [b.id, b.status]));
    // No payment without its booking.
    expect(payments.filter((p) => !statusOf.has(p.booking_id))).toEqual([]);
    const confirmed = bookings.filter((b) => b.status === 'CONFIRMED');
    expect(confirmed.length).toBeGreaterThan(16);
    for (const booking of confirmed) {
      expect(payments.filter((p) => p.booking_id === booking.id).map((p) => p.status)).toEqual(['CAPTURED']);
      expect(events.filter((e) => e.booking_id === booking.id && e.type === 'booking.created')).toHaveLength(1);
    }
    // A cancelled booking whose charge went through has its refund done or waiting in the outbox.
    for (const payment of payments.filter((p) => statusOf.get(p.booking_id) === 'CANCELLED' && p.status === 'CAPTURED')) {
      expect(events.filter((e) => e.booking_id === payment.booking_id && e.type === 'booking.payment_failed')).toHaveLength(1);
    }
    // And each confirmed booking was announced once, the ones confirmed around the database restart too.
    const delivered = await waitFor(async () => {
      const c = await deliveries(confirmed.map((b) => b.id));
      return c.every((row) => row.notifications >= 1 && row.activities >= 1) ? c : undefined;
    }, 30_000);
    expect(delivered.every((row) => row.notifications === 1 && row.activities === 1)).toBe(true);
    // And each confirmation email went out once (without SMTP_URL, emails are the notification log's lines).
    const emails = await waitFor(async () => {
      const sent = readFileSync(join(platform.runDir, 'logs', 'notification-service.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"email (not sent: SMTP_URL is not set)"') && line.includes('"subject":"Booking confirmed: Outage,')).length;
      return sent >= confirmed.length ? sent : undefined;
    }, 30_000);
    expect(emails).toBe(confirmed.length);
    const cancelled = tally(bookings.filter((b) => b.status === 'CANCELLED').map((b) => String(b.reason)));
    console.log(`after the outages: ${confirmed.length} bookings confirmed, cancelled ${JSON.stringify(cancelled)}, ${emails} confirmation emails`);
  });
});
