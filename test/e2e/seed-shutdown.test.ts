/**
 * `./dev.sh seed` twice on a fresh platform (counted in the databases), then SIGTERM under load:
 * to the booking subgraph during a burst of page reads, and to the gateway during a burst of
 * createBooking. Every request sent before the signal gets its complete, correct answer; the
 * process exits 0 within the drain bound; `./dev.sh start <service>` brings it back.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseServiceKeys, signServiceToken } from '@wsb/kernel';
import { bearer, gql } from '../support/client';
import { ROOT, startPlatform, type Platform, bootstrapAdminEnv } from '../support/platform';

jest.setTimeout(900_000);
const ADMIN = { email: 'seed-admin@example.com', password: 'seed-admin-password-1' };
// Generous on a loaded machine: 30 createBookings at once, each a saga over four services, must
// finish inside the drain and inside every call's timeout (these are not what is tested here).
const DRAIN_TIMEOUT_MS = 20000;
let platform: Platform;

/** `./dev.sh seed` on this platform (stdout); slower than platform.dev's limit allows on a busy machine. */
async function seed(): Promise<string> {
  const { stdout } = await promisify(execFile)(join(ROOT, 'dev.sh'), ['seed'], { env: platform.env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
  return stdout;
}

beforeAll(async () => {
  platform = await startPlatform({
    basePort: 13960,
    env: {
      ...bootstrapAdminEnv(ADMIN),
      SHUTDOWN_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
      SERVICE_TIMEOUT_MS: '15000',
    },
  });
});
afterAll(() => platform?.stop());

const one = async <T = Record<string, any>>(service: Parameters<Platform['sql']>[0], text: string) => (await platform.sql<T>(service, text))[0];

/** What the seed is judged by, straight from the databases (fingerprints catch any changed row). */
async function databaseState() {
  return {
    workspaces: await one(
      'workspace',
      `select count(*)::int as n, count(distinct timezone)::int as zones,
      string_agg(distinct kind, ',' order by kind) as kinds, md5(string_agg(id::text || name || capacity || hourly_rate_amount, ',' order by id)) as fingerprint from workspace`,
    ),
    members: await one(
      'user',
      `select count(*) filter (where role = 'MEMBER')::int as n, count(*) filter (where role = 'ADMIN')::int as admins,
      md5(string_agg(id::text || email || name, ',' order by id)) as fingerprint from user_profile`,
    ),
    bookings: await one(
      'booking',
      `select count(*)::int as n,
      count(*) filter (where status = 'CANCELLED')::int as cancelled,
      count(*) filter (where status = 'CANCELLED' and starts_at > now())::int as "cancelledUpcoming",
      count(*) filter (where starts_at < now())::int as past, count(*) filter (where starts_at > now())::int as upcoming,
      (extract(epoch from max(ends_at) - min(starts_at)) / 86400)::int as "spanDays",
      count(*) filter (where status = 'PENDING')::int as pending,
      md5(string_agg(id::text || status || updated_at::text, ',' order by id)) as fingerprint from booking`,
    ),
    overlaps: await one(
      'booking',
      `select count(*)::int as n from booking a join booking b on a.workspace_id = b.workspace_id and a.id < b.id
      and a.status <> 'CANCELLED' and b.status <> 'CANCELLED' and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`,
    ),
    payments: await one(
      'payment',
      `select count(*)::int as n, count(*) filter (where status = 'REFUNDED')::int as refunded,
      md5(string_agg(id::text || status, ',' order by id)) as fingerprint from payment`,
    ),
    activity: await one('reporting', `select count(*)::int as n from activity`),
  };
}

describe('./dev.sh seed', () => {
  it('seeds a month of realistic data through the platform, changes nothing the second time, and prints logins that work', async () => {
    const first = await seed();
    const seeded = await databaseState();
    expect(seeded.workspaces.n).toBeGreaterThanOrEqual(30);
    expect(seeded.workspaces.zones).toBeGreaterThanOrEqual(4);
    expect(seeded.workspaces.kinds).toBe('DESK,MEETING_ROOM,PRIVATE_OFFICE');
    expect(seeded.members).toMatchObject({ n: 50, admins: 1 });
    expect(seeded.bookings.past).toBeGreaterThan(50);
    expect(seeded.bookings.upcoming).toBeGreaterThan(50);
    expect(seeded.bookings.spanDays).toBeGreaterThanOrEqual(26); // two weeks back to two weeks ahead
    expect(seeded.bookings.cancelledUpcoming).toBeGreaterThan(0); // cancelled through the API
    expect(seeded.bookings.cancelled).toBeGreaterThan(seeded.bookings.cancelledUpcoming);
    expect(seeded.bookings.pending).toBe(0);
    expect(seeded.overlaps.n).toBe(0);
    // One payment per booking; a cancelled booking's payment is refunded.
    expect(seeded.payments).toMatchObject({ n: seeded.bookings.n, refunded: seeded.bookings.cancelled });

    const second = await seed();
    expect(second).toContain('0 workspaces, 0 members, 0 upcoming bookings (0 cancelled), 0 past bookings created (everything was already there)');
    const again = await databaseState();
    expect(again).toEqual(seeded);

    // The logins printed at the end work, and the members have bookings to look at.
    const logins = [...first.matchAll(/^ {2}(admin|member) +(\S+@\S+) +(\S+)$/gm)].map(([, role, email, password]) => ({ role, email, password }));
    expect(logins.map((l) => l.role)).toEqual(['admin', 'member', 'member', 'member']);
    expect(logins[0]).toMatchObject({ email: ADMIN.email, password: ADMIN.password });
    for (const { role, email, password } of logins) {
      const login = await gql(platform.gatewayUrl, 'mutation SeedLoginCheck($input: LoginInput!) { login(input: $input) { accessToken user { role } } }', {
        input: { email, password },
      });
      expect(login.data?.login.user.role).toBe(role.toUpperCase());
      if (role === 'member') {
        const mine = await gql(
          platform.gatewayUrl,
          'query SeedMyBookings { myBookings(first: 50) { totalCount edges { node { status workspace { name } payment { status } } } } }',
          {},
          bearer(login.data.login.accessToken),
        );
        expect(mine.errors).toBeUndefined();
        expect(mine.data.myBookings.totalCount).toBeGreaterThan(0);
        for (const { node } of mine.data.myBookings.edges) expect(node.payment.status).toBe(node.status === 'CANCELLED' ? 'REFUNDED' : 'CAPTURED');
      }
    }
  });
});

/** Whether a process is alive (not gone, not a zombie). */
function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function exitTime(pid: number, limitMs: number): Promise<number> {
  const start = Date.now();
  while (alive(pid)) {
    if (Date.now() - start > limitMs) throw new Error(`pid ${pid} still running after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** The JSON lines a service logged since its last start. */
function logSinceStart(service: string): Record<string, any>[] {
  const text = readFileSync(join(platform.runDir, 'logs', `${service}.log`), 'utf8');
  return text
    .slice(text.lastIndexOf('=== '))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/**
 * A request the server has accepted (its headers and the first byte of its body are in) whose body
 * is still coming: it is in flight, for certain, when the signal arrives, and must still be answered
 * in full once the rest is sent.
 */
function heldRequest(url: string, headers: Record<string, string>, body: string) {
  const target = new URL(url);
  const data = Buffer.from(body);
  let release!: () => void;
  const response = new Promise<{ status: number; json: any }>((resolve, reject) => {
    const req = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(data.length) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode!, json: JSON.parse(text) });
          } catch (err) {
            reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`, { cause: err }));
          }
        });
      },
    );
    req.on('error', reject);
    req.write(data.subarray(0, 1));
    release = () => req.end(data.subarray(1));
  });
  return { response, release: () => release() };
}

/**
 * Holds one request open on the server, fires the burst, sends SIGTERM once the first answer is back
 * (the held request, and likely more of the burst, still in flight), then lets the held request
 * finish, and collects everything.
 */
async function burstWithSigterm<T>(pid: number, requests: (() => Promise<T>)[], held: ReturnType<typeof heldRequest>) {
  await new Promise((r) => setTimeout(r, 300)); // the held request's headers are read by now
  let answered = 0;
  let signalled!: () => void;
  const signal = new Promise<void>((resolve) => (signalled = resolve));
  const results = requests.map((send) =>
    send().then(
      (value) => {
        if (++answered === 1) {
          process.kill(pid, 'SIGTERM');
          signalled();
        }
        return { ok: true as const, value };
      },
      (error: Error) => ({ ok: false as const, error: `${error.message} ${(error.cause as Error)?.message ?? ''}` }),
    ),
  );
  await signal;
  await new Promise((r) => setTimeout(r, 200)); // the signal is being handled: draining has begun
  held.release();
  const [settled, heldAnswer] = await Promise.all([Promise.all(results), held.response]);
  return { settled, held: heldAnswer };
}

describe('graceful shutdown (SIGTERM under load)', () => {
  it('the booking subgraph answers every page read it accepted, refuses new connections, exits 0 and restarts', async () => {
    const [{ id: memberId }] = await platform.sql<{ id: string }>(
      'booking',
      `select user_id as id from booking group by user_id order by count(*) desc limit 1`,
    );
    const expected = (
      await platform.sql<{ id: string }>('booking', `select id from booking where user_id = $1 and status <> 'PENDING' order by id`, [memberId])
    ).map((r) => r.id);
    const secrets = readFileSync(join(platform.runDir, 'secrets.env'), 'utf8');
    const keys = parseServiceKeys(/^SERVICE_JWT_KEYS=(.*)$/m.exec(secrets)![1], []);
    const url = `${platform.serviceUrl('booking')}/graphql`;
    const read = async () => {
      // Signed per request: a service token lives 60 s, less than a restart may take on a busy machine.
      const token = await signServiceToken({ caller: 'e2e' }, keys);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query:
            'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { bookings(first: 100) { totalCount edges { node { id startsAt status } } } } } }',
          variables: { r: [{ __typename: 'User', id: memberId }] },
        }),
      });
      const body = (await res.json()) as any;
      return { status: res.status, ids: body.data?._entities[0].bookings.edges.map((e: any) => e.node.id).sort() as string[], errors: body.errors };
    };
    const pid = platform.pidOf('booking')!;
    const held = heldRequest(
      url,
      { authorization: `Bearer ${await signServiceToken({ caller: 'e2e' }, keys)}` },
      JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { bookings(first: 100) { totalCount } } } }',
        variables: { r: [{ __typename: 'User', id: memberId }] },
      }),
    );
    const { settled, held: heldAnswer } = await burstWithSigterm(
      pid,
      Array.from({ length: 30 }, () => read),
      held,
    );
    // The request it had accepted before the signal, whose body arrived only after it, got its whole answer.
    expect(heldAnswer).toEqual({ status: 200, json: { data: { _entities: [{ bookings: { totalCount: expected.length } }] } } });
    // Every one of the 30 (all sent before the signal) came back complete and correct.
    expect(settled.filter((r) => !r.ok)).toEqual([]);
    for (const r of settled) expect(r.ok && r.value).toEqual({ status: 200, ids: expected, errors: undefined });
    const ms = await exitTime(pid, DRAIN_TIMEOUT_MS + 7000);
    // A new connection is refused once it is gone (and, before, while it drained: it stopped listening first).
    await expect(read()).rejects.toThrow();
    const log = logSinceStart('booking-service');
    const stopped = log.find((l) => l.msg === 'stopped');
    expect(stopped).toMatchObject({ graceful: true });
    expect(stopped!.inFlightAtSignal).toBeGreaterThan(0); // the signal did arrive mid-burst
    expect(log.at(-1)).toMatchObject({ msg: 'exit', code: 0 });
    expect(ms).toBeLessThan(DRAIN_TIMEOUT_MS + 7000);

    await platform.dev('start', 'booking-service');
    expect(await read()).toEqual({ status: 200, ids: expected, errors: undefined });
  });

  it('the gateway finishes every createBooking it accepted (booked, paid), exits 0 and restarts', async () => {
    const login = await gql(platform.gatewayUrl, 'mutation SeedLoginCheck($input: LoginInput!) { login(input: $input) { accessToken user { role } } }', {
      input: { email: 'grace.hopper@demo.example.com', password: 'demo-member-2026' },
    });
    const auth = bearer(login.data.login.accessToken);
    const workspaces = await gql(platform.gatewayUrl, 'query SeedBurstWorkspaces { workspaces(first: 30) { edges { node { id } } } }');
    const ids: string[] = workspaces.data.workspaces.edges.map((e: any) => e.node.id);
    const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10); // beyond the seeded month
    const create = (i: number) => () =>
      gql(
        platform.gatewayUrl,
        'mutation SeedBurstBooking($input: CreateBookingInput!) { createBooking(input: $input) { id status workspace { id } } }',
        {
          input: { workspaceId: ids[i], startsAt: `${day}T10:00:00Z`, endsAt: `${day}T11:00:00Z`, idempotencyKey: `burst-${i}` },
        },
        auth,
      );
    const pid = platform.pidOf('gateway')!;
    const held = heldRequest(`${platform.gatewayUrl}/graphql`, auth, JSON.stringify({ query: 'query SeedHeldMe { me { email } }' }));
    const { settled, held: heldAnswer } = await burstWithSigterm(
      pid,
      ids.map((_, i) => create(i)),
      held,
    );
    expect(heldAnswer).toEqual({ status: 200, json: { data: { me: { email: 'grace.hopper@demo.example.com' } } } });
    expect(settled.filter((r) => !r.ok)).toEqual([]);
    const answers = settled.map((r) => (r.ok ? r.value : undefined));
    for (const [i, a] of answers.entries()) {
      expect(a?.status).toBe(200);
      expect(a?.errors).toBeUndefined();
      expect(a?.data.createBooking).toMatchObject({ status: 'CONFIRMED', workspace: { id: ids[i] } });
    }
    const ms = await exitTime(pid, DRAIN_TIMEOUT_MS + 7000);
    const log = logSinceStart('gateway');
    expect(log.find((l) => l.msg === 'stopped')).toMatchObject({ graceful: true });
    expect(log.find((l) => l.msg === 'stopped')!.inFlightAtSignal).toBeGreaterThan(0);
    expect(log.at(-1)).toMatchObject({ msg: 'exit', code: 0 });
    expect(ms).toBeLessThan(DRAIN_TIMEOUT_MS + 7000);
    // Exactly those bookings exist, each with its captured payment.
    const booked = answers.map((a) => a!.data.createBooking.id).sort();
    const rows = await platform.sql<{ id: string }>(
      'booking',
      `select id from booking where idempotency_key like 'burst-%' and status = 'CONFIRMED' order by id`,
    );
    expect(rows.map((r) => r.id)).toEqual(booked);
    const paid = await platform.sql<{ n: number }>('payment', `select count(*)::int as n from payment where booking_id = any($1) and status = 'CAPTURED'`, [
      booked,
    ]);
    expect(paid[0].n).toBe(booked.length);

    await platform.dev('start', 'gateway');
    const again = await gql(
      platform.gatewayUrl,
      'query SeedMyBookings { myBookings(first: 50) { totalCount edges { node { status workspace { name } payment { status } } } } }',
      {},
      auth,
    );
    expect(again.data.myBookings.totalCount).toBeGreaterThanOrEqual(30);
  });
});
