/**
 * Tracing end to end: the real processes (`./dev.sh start all`) with OTEL_EXPORTER_OTLP_ENDPOINT
 * pointing at an OTLP/HTTP receiver in this test process. One createBooking, sent with the
 * client's own `traceparent`, must be one trace across gateway, booking, user, workspace and
 * payment, with each hop the child of the one that called it, and the email and activity entry it
 * leads to (notification, reporting) in that trace too: through RabbitMQ (message headers), then,
 * with booking restarted without a broker, through the direct delivery from the outbox. The
 * request log lines carry the trace id.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@wsb/kernel/src/testing';
import { bearer, gql } from '../support/client';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { ROOT, startPlatform, type Platform } from '../support/platform';

jest.setTimeout(240_000);

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken expiresAt user { id email name role } } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken user { id role } } }`;
const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id name capacity hourlyRate { amount currency } } }`;
const CREATE_BOOKING = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { id status price { amount currency } } }`;
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

let platform: Platform;
let receiver: OtlpReceiver;
let url: string;
let alice: string;
let workspaceId: string;

function slot(dayOffset: number, startHour: number) {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + dayOffset);
  start.setUTCHours(startHour, 0, 0, 0);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString() };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  platform = await startPlatform({
    basePort: 13560,
    env: {
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      AMQP_URL: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      // Every request traced: this test follows single requests, which the production default
      // (parent-based, 10 % of roots) would mostly leave out. Sampling itself is tested in
      // packages/tracing/test/sampling.test.ts.
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    },
  });
  url = platform.gatewayUrl;
  const registered = await gql(url, REGISTER, { input: { email: 'alice@example.com', password: 'correct-horse-1', name: 'Alice' } });
  expect(registered.errors).toBeUndefined();
  alice = registered.data.register.accessToken;
  const login = await gql(url, LOGIN, { input: ADMIN });
  const input = { name: 'Orion', kind: 'MEETING_ROOM', capacity: 4, hourlyRate: { amount: 3000, currency: 'EUR' }, timezone: 'Europe/Berlin' };
  const created = await gql(url, CREATE_WORKSPACE, { input }, bearer(login.data.login.accessToken));
  expect(created.errors).toBeUndefined();
  workspaceId = created.data.createWorkspace.id;
});
afterAll(async () => {
  await platform?.stop();
  await receiver?.close();
});

/** Books with a traceparent of the client's own; returns the trace id and the client's span id. */
async function tracedBooking(dayOffset: number): Promise<{ traceId: string; clientSpanId: string; bookingId: string }> {
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  const res = await gql(
    url,
    CREATE_BOOKING,
    { input: { workspaceId, ...slot(dayOffset, 10) } },
    { ...bearer(alice), traceparent: `00-${traceId}-${clientSpanId}-01` },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data.createBooking.status).toBe('CONFIRMED');
  return { traceId, clientSpanId, bookingId: res.data.createBooking.id };
}

/** The spans of one trace, once `done` holds for them (the processes export in batches). */
function traceSpans(traceId: string, done: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  return waitFor(async () => {
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    return done(spans) ? spans : undefined;
  }, 20_000);
}

/** The chain of spans from `span` up to the root of what was received (the span itself first). */
function ancestry(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain = [span];
  for (let at = byId.get(span.parentSpanId ?? ''); at && chain.length < 100; at = byId.get(at.parentSpanId ?? '')) chain.push(at);
  return chain;
}

const serverSpan = (spans: ReceivedSpan[], service: string) => spans.find((s) => s.service === service && s.kind === SERVER);
const hasServer = (service: string) => (spans: ReceivedSpan[]) => spans.some((s) => s.service === service && s.kind === SERVER);
const hasPublish = (spans: ReceivedSpan[]) => spans.some((s) => s.service === 'booking' && s.kind === PRODUCER);

function expectRequestChain(spans: ReceivedSpan[], clientSpanId: string): ReceivedSpan {
  // The gateway's server span continues the client's trace: its parent is the client's span.
  const gateway = serverSpan(spans, 'gateway')!;
  expect(gateway).toBeDefined();
  expect(gateway.parentSpanId).toBe(clientSpanId);
  // booking is called by the gateway: its server span descends from the gateway's.
  const booking = spans.find((s) => s.service === 'booking' && s.kind === SERVER && ancestry(s, spans).some((a) => a.service === 'gateway'))!;
  expect(booking).toBeDefined();
  expect(ancestry(booking, spans).at(-1)).toBe(gateway);
  // user, workspace and payment are called by booking while it books.
  for (const service of ['user', 'workspace', 'payment']) {
    const called = spans.filter((s) => s.service === service && s.kind === SERVER);
    expect(called.length).toBeGreaterThan(0);
    for (const span of called) expect(ancestry(span, spans).map((a) => a.service)).toContain('booking');
    expect(called.some((span) => ancestry(span, spans).includes(booking))).toBe(true);
  }
  // Apollo Gateway's own spans are in it: one gateway.fetch per subgraph fetch, under gateway.request.
  const fetch = spans.find((s) => s.service === 'gateway' && s.name === 'gateway.fetch')!;
  expect(fetch).toBeDefined();
  expect(ancestry(fetch, spans).map((s) => s.name)).toContain('gateway.request');
  expect(ancestry(booking, spans).map((s) => s.name)).toContain('gateway.fetch');
  // SQL statements are spans of the request too.
  expect(spans.some((s) => s.service === 'booking' && (s.attributes['db.system'] ?? s.attributes['db.system.name']) === 'postgresql')).toBe(true);
  return booking;
}

describe('one createBooking is one trace', () => {
  it('through RabbitMQ: gateway → booking → (user, workspace, payment), and the consumers of its event under booking’s publish', async () => {
    const { traceId, clientSpanId } = await tracedBooking(3);
    const spans = await traceSpans(
      traceId,
      (s) =>
        ['gateway', 'booking', 'user', 'workspace', 'payment'].every((n) => hasServer(n)(s)) &&
        hasPublish(s) &&
        ['notification', 'reporting'].every((n) => s.some((x) => x.service === n && x.kind === CONSUMER)),
    );
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    expectRequestChain(spans, clientSpanId);
    // booking's relay published the outbox event in the request's trace (stored with the event)...
    const publish = spans.find((s) => s.service === 'booking' && s.kind === PRODUCER && s.name === 'booking.created publish')!;
    expect(publish).toBeDefined();
    expect(ancestry(publish, spans).at(-1)!.service).toBe('gateway');
    // ...and each consumer's processing of the message is a child of that publish (AMQP headers).
    for (const service of ['notification', 'reporting']) {
      const consumed = spans.find((s) => s.service === service && s.kind === CONSUMER)!;
      expect(consumed.name).toBe('booking.created process');
      expect(ancestry(consumed, spans)).toContain(publish);
      // What the consumer does (its SQL) is under its span.
      expect(spans.some((s) => s.service === service && s.parentSpanId && ancestry(s, spans).includes(consumed) && s !== consumed)).toBe(true);
    }
  });

  it('puts the trace and span id on the request log lines of every process it went through, with the request id and SQL count', async () => {
    const { traceId } = await tracedBooking(4);
    const spans = await traceSpans(traceId, (s) => ['gateway', 'booking', 'payment'].every((n) => hasServer(n)(s)));
    const requestIds = new Set<string>();
    for (const service of ['gateway', 'booking-service', 'payment-service']) {
      const line = await waitFor(async () => {
        const lines = readFileSync(join(platform.runDir, 'logs', `${service}.log`), 'utf8').split('\n');
        const found = lines.filter((l) => l.includes('"msg":"request"') && l.includes(traceId)).map((l) => JSON.parse(l));
        return found.length ? found[0] : undefined;
      }, 20_000);
      expect(line.traceId).toBe(traceId);
      expect(line.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(spans.map((s) => s.spanId)).toContain(line.spanId);
      // The request scope (the gateway's request id, the statements counted) rides in the trace
      // context with tracing on (packages/kernel/src/request-scope.ts): it reaches the line too.
      requestIds.add(line.requestId);
      if (service !== 'gateway') expect(line.sql).toBeGreaterThan(0);
    }
    expect([...requestIds]).toHaveLength(1);
    expect([...requestIds][0]).toMatch(/\S/);
  });

  it('without a broker (direct delivery from the outbox), notification and reporting answer under booking’s publish span', async () => {
    // booking alone restarted without AMQP_URL: its relay calls notification and reporting itself.
    await promisify(execFile)(join(ROOT, 'dev.sh'), ['restart', 'booking-service'], { env: { ...platform.env, AMQP_URL: '' }, cwd: ROOT, timeout: 120_000 });
    const { traceId, clientSpanId } = await tracedBooking(5);
    const spans = await traceSpans(
      traceId,
      (s) => hasPublish(s) && ['gateway', 'booking', 'user', 'workspace', 'payment', 'notification', 'reporting'].every((n) => hasServer(n)(s)),
    );
    expectRequestChain(spans, clientSpanId);
    const publish = spans.find((s) => s.service === 'booking' && s.kind === PRODUCER && s.name === 'booking.created publish')!;
    expect(publish).toBeDefined();
    for (const service of ['notification', 'reporting']) {
      const answered = spans.find((s) => s.service === service && s.kind === SERVER)!;
      expect(ancestry(answered, spans)).toContain(publish);
    }
  });

  it('follows a client that sampled its request out: no process records a span for it, its log lines carry its trace id', async () => {
    await new Promise((r) => setTimeout(r, 1000)); // what earlier requests left in the processes' batches (100 ms) is in
    const from = receiver.spans.length;
    const traceId = randomBytes(16).toString('hex');
    const res = await gql(
      url,
      CREATE_BOOKING,
      { input: { workspaceId, ...slot(7, 10) } },
      { ...bearer(alice), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00` },
    );
    expect(res.errors).toBeUndefined();
    // A sampled booking after it, traced to its delivery: what the unsampled one caused has been exported by then.
    const marker = await tracedBooking(8);
    const delivered = (service: string) => (spans: ReceivedSpan[]) => spans.some((s) => s.service === service && (s.kind === SERVER || s.kind === CONSUMER));
    await traceSpans(marker.traceId, (s) => hasPublish(s) && ['notification', 'reporting'].every((n) => delivered(n)(s)));
    // Not one span for the unsampled request or its delivery, under its trace or (from the spans
    // Apollo Gateway, pg and the kernel start in it) as a trace of its own.
    expect(
      receiver.spans
        .slice(from)
        .filter((s) => s.traceId !== marker.traceId)
        .map((s) => `${s.service} ${s.name} ${s.traceId} ${s.parentSpanId}`),
    ).toEqual([]);
    for (const service of ['gateway', 'booking-service', 'payment-service']) {
      const lines = readFileSync(join(platform.runDir, 'logs', `${service}.log`), 'utf8').split('\n');
      const line = lines.filter((l) => l.includes('"msg":"request"') && l.includes(traceId)).map((l) => JSON.parse(l))[0];
      expect(line).toMatchObject({ traceId });
      expect(line.spanId).toBeUndefined();
    }
  });

  it('starts a trace at the gateway when the client sends none', async () => {
    const before = new Set(receiver.spans.map((s) => s.traceId));
    const res = await gql(url, CREATE_BOOKING, { input: { workspaceId, ...slot(6, 10) } }, bearer(alice));
    expect(res.errors).toBeUndefined();
    const gateway = await waitFor(
      async () => receiver.spans.find((s) => s.service === 'gateway' && s.kind === SERVER && !s.parentSpanId && !before.has(s.traceId)),
      20_000,
    );
    const spans = await traceSpans(gateway.traceId, (s) => ['booking', 'payment'].every((n) => hasServer(n)(s)));
    expect(ancestry(serverSpan(spans, 'payment')!, spans).at(-1)).toBe(gateway);
  });
});
