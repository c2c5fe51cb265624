/**
 * Every process of a running platform (`./dev.sh start all`, booking events through the machine's
 * RabbitMQ, rate limits in its Redis) serves Prometheus metrics: after a booking, a page read and
 * a refused login, each metric family is scraped from the process that owns it, with the values
 * those requests must have left there.
 */
import { waitFor } from '@wsb/kernel/src/testing';
import { bearer, gql } from '../support/client';
import { startPlatform, SUBGRAPHS, type Platform, type Service, bootstrapAdminEnv } from '../support/platform';

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const ADMIN = { email: 'metrics-admin@example.com', password: 'metrics-admin-password-1' };
const PAGE = `query MetricsPage { myBookings(first: 10) { edges { node { id status
  user { name } workspace { name } payment { status } } } } }`;

let platform: Platform;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text format: the samples, and each family's type from its `# TYPE` line. */
function parse(text: string): Sample[] & { types: Map<string, string> } {
  const lines = text.split('\n');
  const types = new Map(lines.flatMap((line) => (line.startsWith('# TYPE ') ? [line.split(' ').slice(2) as [string, string]] : [])));
  const samples = lines
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
  return Object.assign(samples, { types });
}

async function scrape(proc: Service | 'gateway'): Promise<ReturnType<typeof parse>> {
  const url = proc === 'gateway' ? `http://localhost:${platform.env.GATEWAY_METRICS_PORT}/metrics` : `${platform.serviceUrl(proc)}/metrics`;
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

/** The value of the one sample of `name` with (at least) these labels; undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

beforeAll(async () => {
  platform = await startPlatform({
    basePort: 13760,
    env: {
      ...bootstrapAdminEnv(ADMIN),
      AMQP_URL,
      REDIS_URL,
      RATE_LIMIT_AUTH_PER_EMAIL: '2',
    },
  });
  const url = platform.gatewayUrl;
  const admin = (await gql(url, 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', { i: ADMIN })).data.login.accessToken;
  const member = (
    await gql(url, 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }', {
      i: { email: 'metrics-member@example.com', password: 'metrics-password-1', name: 'Metrics Member' },
    })
  ).data.register.accessToken;
  const ws = await gql(
    url,
    'mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }',
    { i: { name: 'Metrics Room', kind: 'MEETING_ROOM', capacity: 4, hourlyRate: { amount: 1000, currency: 'EUR' }, timezone: 'Europe/Paris' } },
    bearer(admin),
  );
  const booked = await gql(
    url,
    'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id status } }',
    { i: { workspaceId: ws.data.createWorkspace.id, startsAt: '2031-05-05T09:00:00Z', endsAt: '2031-05-05T10:00:00Z', idempotencyKey: 'metrics-1' } },
    bearer(member),
  );
  expect(booked.data?.createBooking.status).toBe('CONFIRMED');
  const page = await gql(url, PAGE, {}, bearer(member));
  expect(page.data?.myBookings.edges).toHaveLength(1);
  // The third attempt for one email within the window is refused.
  const attempts = [];
  for (let i = 0; i < 3; i++) {
    attempts.push(
      await gql(url, 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email: 'nobody@example.com', password: 'wrong-password-1' } }),
    );
  }
  expect(attempts.map((a) => a.errors?.[0]?.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
}, 240_000);

afterAll(async () => {
  await platform?.stop();
}, 120_000);

it('serves Node process metrics and every family on every process, labelled with its service', async () => {
  const families: Record<string, string> = {
    wsb_graphql_requests_total: 'counter',
    wsb_graphql_request_duration_seconds: 'histogram',
    wsb_circuit_state: 'gauge',
    wsb_circuit_transitions_total: 'counter',
    wsb_rate_limit_refusals_total: 'counter',
    wsb_rate_limit_fallbacks_total: 'counter',
    wsb_amqp_messages_total: 'counter',
    wsb_service_calls_total: 'counter',
    wsb_service_call_duration_seconds: 'histogram',
  };
  for (const proc of ['gateway', ...SUBGRAPHS] as const) {
    const samples = await scrape(proc);
    const service = proc;
    expect(value(samples, 'process_cpu_seconds_total', { service })).toBeGreaterThan(0);
    expect(value(samples, 'nodejs_heap_size_used_bytes', { service })).toBeGreaterThan(0);
    expect(samples.every((s) => s.labels.service === service)).toBe(true);
    for (const [family, type] of Object.entries(families)) expect([proc, family, samples.types.get(family)]).toEqual([proc, family, type]);
    expect(samples.types.has('wsb_subgraph_fetch_duration_seconds')).toBe(proc === 'gateway');
    expect(samples.types.has('wsb_outbox_backlog_events')).toBe(proc === 'booking');
    if (proc !== 'gateway') {
      expect(value(samples, 'wsb_db_pool_max')).toBe(10);
      expect(value(samples, 'wsb_db_pool_pending_acquires')).toBe(0);
      const used = value(samples, 'wsb_db_pool_connections', { state: 'used' })!;
      const free = value(samples, 'wsb_db_pool_connections', { state: 'free' })!;
      expect(used).toBeGreaterThanOrEqual(0);
      expect(free).toBeGreaterThanOrEqual(0);
      expect(used + free).toBeLessThanOrEqual(10);
    }
  }
});

it('counts and times createBooking and the page by root field and outcome, in the gateway and the subgraphs', async () => {
  const gateway = await scrape('gateway');
  expect(value(gateway, 'wsb_graphql_requests_total', { operation: 'createBooking', outcome: 'ok' })).toBe(1);
  expect(value(gateway, 'wsb_graphql_request_duration_seconds_count', { operation: 'createBooking', outcome: 'ok' })).toBe(1);
  expect(value(gateway, 'wsb_graphql_request_duration_seconds_sum', { operation: 'createBooking', outcome: 'ok' })).toBeGreaterThan(0);
  expect(value(gateway, 'wsb_graphql_requests_total', { operation: 'myBookings', outcome: 'ok' })).toBe(1);
  expect(value(gateway, 'wsb_graphql_requests_total', { operation: 'login', outcome: 'RATE_LIMITED' })).toBe(1);
  expect(value(gateway, 'wsb_graphql_requests_total', { operation: 'login', outcome: 'UNAUTHENTICATED' })).toBe(2);
  // No label carries a user id, an email or client text.
  expect(gateway.filter((s) => /@|[0-9a-f]{8}-[0-9a-f]{4}/.test(Object.values(s.labels).join(' ')))).toEqual([]);

  // Where the refusals were raised, as domain errors whose code is set only when they are formatted.
  const auth = await scrape('auth');
  expect(value(auth, 'wsb_graphql_requests_total', { operation: 'login', outcome: 'UNAUTHENTICATED' })).toBe(2);
  expect(value(auth, 'wsb_graphql_requests_total', { operation: 'login', outcome: 'error' })).toBeUndefined();

  const booking = await scrape('booking');
  expect(value(booking, 'wsb_graphql_requests_total', { operation: 'createBooking', outcome: 'ok' })).toBe(1);
  expect(value(booking, 'wsb_graphql_requests_total', { operation: 'myBookings', outcome: 'ok' })).toBe(1);
  // The page's entity fetches reach user, workspace and payment as `_entities`.
  for (const service of ['user', 'workspace', 'payment'] as const) {
    expect(value(await scrape(service), 'wsb_graphql_requests_total', { operation: '_entities', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  }
});

it('times the gateway fetches by subgraph, and booking calls to other services by target, with their circuits closed', async () => {
  const gateway = await scrape('gateway');
  // createBooking and the page each fetch from booking once.
  expect(value(gateway, 'wsb_subgraph_fetch_duration_seconds_count', { subgraph: 'booking', outcome: 'ok' })).toBe(2);
  expect(value(gateway, 'wsb_subgraph_fetch_duration_seconds_sum', { subgraph: 'booking', outcome: 'ok' })).toBeGreaterThan(0);
  expect(value(gateway, 'wsb_subgraph_fetches_total', { subgraph: 'booking', outcome: 'ok' })).toBe(2);
  expect(value(gateway, 'wsb_circuit_state', { target: 'booking' })).toBe(0);
  expect(value(gateway, 'wsb_circuit_state', { target: 'user' })).toBe(0);

  const booking = await scrape('booking');
  expect(value(booking, 'wsb_service_calls_total', { target: 'payment', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  expect(value(booking, 'wsb_service_call_duration_seconds_count', { target: 'payment', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  expect(value(booking, 'wsb_circuit_state', { target: 'payment' })).toBe(0);
  expect(booking.some((s) => s.name === 'wsb_circuit_transitions_total')).toBe(false); // none opened
});

it('reports the outbox backlog, and the booking event consumed through RabbitMQ by notification and reporting', async () => {
  // Delivered: the backlog drains to zero (the gauges are read at each scrape).
  const booking = await waitFor(async () => {
    const samples = await scrape('booking');
    return value(samples, 'wsb_outbox_backlog_events') === 0 ? samples : undefined;
  }, 15_000);
  expect(value(booking, 'wsb_outbox_oldest_unpublished_age_seconds')).toBe(0);
  const [row] = await platform.sql<{ n: number }>('booking', 'select count(*)::int as n from outbox_event where published_at is null');
  expect(row!.n).toBe(0);

  for (const service of ['notification', 'reporting'] as const) {
    const queue = `${service}.booking-events`;
    const samples = await waitFor(async () => {
      const s = await scrape(service);
      return value(s, 'wsb_amqp_messages_total', { queue, outcome: 'ok' }) === 1 ? s : undefined;
    }, 15_000);
    expect(value(samples, 'wsb_amqp_messages_total', { queue, outcome: 'retry' })).toBeUndefined();
    expect(value(samples, 'wsb_amqp_messages_total', { queue, outcome: 'dead_letter' })).toBeUndefined();
  }
});

it('counts rate-limit refusals by rule where the limit is checked, with no Redis fallback while Redis is up', async () => {
  const auth = await scrape('auth');
  expect(value(auth, 'wsb_rate_limit_refusals_total', { rule: 'authEmail' })).toBe(1);
  expect(value(auth, 'wsb_rate_limit_fallbacks_total', { rule: 'authEmail' })).toBe(0);
  expect(value(auth, 'wsb_rate_limit_refusals_total', { rule: 'authIp' })).toBe(0);
});
