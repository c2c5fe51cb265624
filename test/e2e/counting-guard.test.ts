/**
 * The performance regression guard: it counts, never times. Every service logs one line per
 * request with the request id the gateway forwards, the gateway with its subgraph fetches and
 * each subgraph with its SQL statements, so one client request can be followed and counted.
 * - A federated page costs the same fetches and statements at 10 items as at 100.
 * - createBooking costs the documented statements and calls (docs/benchmarks.md, "What a request costs").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, gql, pool } from '../support/client';
import { waitFor } from '@wsb/kernel/src/testing';
import { PROCESSES, processName, startPlatform, type Platform } from '../support/platform';

const ADMIN = { email: 'guard-admin@example.com', password: 'guard-admin-password-1' };
const PAGE = `query GuardPage($first: Int) { myBookings(first: $first) { edges { node { id startsAt status
  user { name email } workspace { name timezone } payment { status amount { amount currency } } } } } }`;
const CREATE = 'mutation GuardBook($i: CreateBookingInput!) { createBooking(input: $i) { id status } }';
const EPOCH = Date.parse('2031-03-03T00:00:00Z');
const HOUR = 3_600_000;
const slot = (i: number) => ({ startsAt: new Date(EPOCH + i * HOUR).toISOString(), endsAt: new Date(EPOCH + (i + 1) * HOUR).toISOString() });

/** What the documented budget of createBooking is; see docs/benchmarks.md. */
const CREATE_BOOKING_BUDGET = {
  gatewayFetches: 1,
  // booking: idempotency look-up; hold (one statement: slot lock, then INSERT); confirm (one statement:
  // slot lock, UPDATE, outbox INSERT). Was 10: each of hold and confirm was a transaction of its own
  // statements (BEGIN, lock, writes, COMMIT); the same work now runs as one statement each.
  // payment: INSERT … ON CONFLICT DO NOTHING (PENDING, committed before the charge), then UPDATE to CAPTURED
  sql: { booking: 3, user: 1, workspace: 1, payment: 2 },
  // booking -> user (_entities), workspace (_entities), payment (_createPayment)
  requests: { booking: 1, user: 1, workspace: 1, payment: 1 },
};

let platform: Platform;
let member: string;
let workspaceId: string;

interface Line {
  service: string;
  requestId?: string;
  msg?: string;
  sql?: number;
  fetches?: number;
  errors?: unknown[];
}

function linesOf(requestId: string): Line[] {
  const lines: Line[] = [];
  for (const service of PROCESSES) {
    const file = join(platform.env.WSB_RUN_DIR!, 'logs', `${processName(service)}.log`);
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (!text.startsWith('{') || !text.includes(requestId)) continue;
      const line = JSON.parse(text) as Line;
      if (line.requestId === requestId && line.msg === 'request') lines.push({ ...line, service });
    }
  }
  return lines;
}

/**
 * The per-service request lines of one client request, once its gateway line is written: every
 * subgraph's line was written before it, and every process's lines reach its file within 100 ms
 * (they are written in batches), so they are all there 150 ms after the gateway's is.
 */
async function cost(requestId: string) {
  await waitFor(async () => linesOf(requestId).some((l) => l.service === 'gateway') || undefined, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 150));
  const lines = linesOf(requestId);
  const gateway = lines.find((l) => l.service === 'gateway')!;
  const requests: Record<string, number> = {};
  const sql: Record<string, number> = {};
  for (const line of lines.filter((l) => l.service !== 'gateway')) {
    requests[line.service] = (requests[line.service] ?? 0) + 1;
    sql[line.service] = (sql[line.service] ?? 0) + (line.sql ?? 0);
  }
  return { gatewayFetches: gateway.fetches, requests, sql, errors: lines.flatMap((l) => l.errors ?? []) };
}

async function send(query: string, variables: Record<string, unknown>, requestId: string) {
  const res = await fetch(`${platform.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...bearer(member) },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.headers.get('x-request-id')).toBe(requestId);
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

beforeAll(async () => {
  platform = await startPlatform({
    basePort: 13900,
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, AMQP_URL: '', RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000' },
  });
  const url = platform.gatewayUrl;
  const admin = (await gql(url, 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', { i: ADMIN })).data.login.accessToken;
  const reg = await gql(url, 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }', {
    i: { email: 'guard-member@example.com', password: 'guard-password-1', name: 'Guard Member' },
  });
  member = reg.data.register.accessToken;
  const ws = await gql(
    url,
    'mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }',
    { i: { name: 'Guard Room', kind: 'MEETING_ROOM', capacity: 4, hourlyRate: { amount: 1000, currency: 'EUR' }, timezone: 'Europe/Paris' } },
    bearer(admin),
  );
  workspaceId = ws.data.createWorkspace.id;
  await pool(100, 5, async (i) => {
    const res = await gql(url, CREATE, { i: { workspaceId, ...slot(i), idempotencyKey: `guard-${i}` } }, bearer(member));
    expect(res.errors).toBeUndefined();
    expect(res.data?.createBooking.status).toBe('CONFIRMED');
  });
}, 240_000);
afterAll(async () => {
  await platform?.stop();
});

it('reads a 10-item and a 100-item federated page with the same subgraph fetches and SQL statements', async () => {
  const ten = await send(PAGE, { first: 10 }, 'guard-page-10');
  const hundred = await send(PAGE, { first: 100 }, 'guard-page-100');
  expect(ten.myBookings.edges).toHaveLength(10);
  expect(hundred.myBookings.edges).toHaveLength(100);
  const small = await cost('guard-page-10');
  const large = await cost('guard-page-100');
  expect(large).toEqual(small);
  // One fetch per subgraph: booking's page, then one entity fetch each for user, workspace and payment.
  expect(small).toEqual({
    gatewayFetches: 4,
    requests: { booking: 1, user: 1, workspace: 1, payment: 1 },
    sql: { booking: 1, user: 1, workspace: 1, payment: 1 },
    errors: [],
  });
});

it('books with the documented number of SQL statements and calls between services', async () => {
  const data = await send(CREATE, { i: { workspaceId, ...slot(500), idempotencyKey: 'guard-budget' } }, 'guard-book');
  expect(data.createBooking.status).toBe('CONFIRMED');
  expect(await cost('guard-book')).toEqual({ ...CREATE_BOOKING_BUDGET, errors: [] });
});
