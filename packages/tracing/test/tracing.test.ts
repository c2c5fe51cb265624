/**
 * startTracing in a fresh process each time (as a service's entry runs it, first): off without an
 * OTLP endpoint (no SDK module loaded, the API stays a no-op, pg and http untouched), and on with
 * one, with the pg instrumentation in place before the code that uses it loads and http left alone;
 * then an HTTP server wrapped as every service's is (the kernel's withIncomingTrace) starting its
 * own server spans: one per sampled request, with its children under it, none for unsampled ones.
 */
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../test/support/otlp-receiver';
import { readTracingConfig } from '../src';
import { runProbe } from './probe';

// A fresh tsx process each: slow on a busy machine.
jest.setTimeout(90_000);

/** What a process that starts tracing and then loads http, pg and the kernel's tracing helpers looks like. */
const PROBE = `
  const { startTracing } = require('@wsb/tracing');
  const started = startTracing('probe');
  const http = require('node:http');
  const pg = require('pg');
  const kernel = require('./packages/kernel/src/tracing.ts');
  const api = require('@opentelemetry/api');
  const span = api.trace.getTracer('probe').startSpan('x');
  const loaded = Object.keys(require.cache).filter((f) => /@opentelemetry[\\\\/](sdk-|instrumentation|exporter-)/.test(f)).length;
  console.log(JSON.stringify({
    started: Boolean(started),
    serviceName: started && started.serviceName,
    sdkModulesLoaded: loaded,
    recording: span.isRecording(),
    kernelSeesTracing: kernel.tracingEnabled(),
    httpPatched: Boolean(http.request.__wrapped),
    pgPatched: Boolean(pg.Client.prototype.query.__wrapped),
  }));
  span.end();
  if (started) started.shutdown().catch(() => undefined).then(() => process.exit(0)); else process.exit(0);
`;

const probe = (env: Record<string, string>, script = PROBE) => runProbe(script, env);

it('with OTEL_EXPORTER_OTLP_ENDPOINT unset, starts no SDK and loads none of it', async () => {
  expect(await probe({})).toEqual({
    started: false,
    sdkModulesLoaded: 0,
    recording: false,
    kernelSeesTracing: false,
    httpPatched: false,
    pgPatched: false,
  });
});

it('with OTEL_SDK_DISABLED=true, stays off even with an endpoint', async () => {
  const result = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' });
  expect(result).toMatchObject({ started: false, sdkModulesLoaded: 0, recording: false });
});

it('with an endpoint, traces, and patches pg (not http) before it is loaded', async () => {
  // Nothing listens on port 9: the export fails quietly at shutdown, which is all this needs.
  // Every span sampled, so the probe's one root span records: the default samples a tenth of roots
  // (sampling.test.ts tests that).
  const result = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SERVICE_NAME: 'renamed', OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
  expect(result).toMatchObject({ started: true, serviceName: 'renamed', recording: true, kernelSeesTracing: true, httpPatched: false, pgPatched: true });
  expect(result.sdkModulesLoaded).toBeGreaterThan(0);
});

it('reads the endpoint, protocol and switches from the standard OTEL_* names', () => {
  expect(readTracingConfig({})).toEqual({ endpoint: undefined, protocol: 'http/protobuf', serviceName: undefined, disabled: false });
  expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toMatchObject({ endpoint: undefined });
  expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toMatchObject({
    endpoint: 'http://otel:4318',
    protocol: 'http/json',
  });
  expect(readTracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' }).endpoint).toBe('http://tempo:4318/v1/traces');
});

/**
 * A service's HTTP server as the gateway's is: Express with its JSON body parser behind the kernel's
 * withIncomingTrace. POST /first runs a SQL statement, calls /second through the kernel's postText
 * (as services call each other) and makes a plain http call to /second too (as an SMTP or webhook
 * call would be: no span, no traceparent). The sampled request's body comes after its head, as a
 * separate packet. Prints what /second received per label and the port.
 */
const SERVER_PROBE = `
  const { startTracing } = require('@wsb/tracing');
  const started = startTracing('probe');
  const http = require('node:http');
  const express = require('express');
  const pg = require('pg');
  const { postText } = require('./packages/kernel/src/http-client.ts');
  const { withIncomingTrace } = require('./packages/kernel/src/tracing.ts');
  const got = {};
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const web = express();
  web.get('/health', (_req, res) => res.json({ status: 'ok' }));
  web.post('/first', express.json(), async (req, res) => {
    const label = req.body.label;
    await db.query('select 1 as one');
    const base = 'http://127.0.0.1:' + server.address().port;
    await postText(base + '/second', { 'content-type': 'application/json' }, JSON.stringify({ label }), 10000);
    await call(server.address().port, '/second', 'GET', { 'x-label': label + ' plain' });
    res.status(201).json({ ok: true });
  });
  web.post('/second', express.json(), (req, res) => {
    got[req.body.label] = req.headers.traceparent || null;
    res.json({ ok: true });
  });
  web.get('/second', (req, res) => {
    got[req.headers['x-label']] = req.headers.traceparent || null;
    res.json({ ok: true });
  });
  // late: the body follows the head after a while (a separate packet), as browsers and fetch may send it.
  const call = (port, path, method, headers, body, late) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    if (!late) return req.end(body);
    req.flushHeaders();
    setTimeout(() => req.end(body), 50);
  });
  const server = http.createServer(withIncomingTrace(web));
  db.connect().then(() => server.listen(0, '127.0.0.1', async () => {
    const port = server.address().port;
    const json = (label, traceparent, late) =>
      call(port, '/first', 'POST', { 'content-type': 'application/json', 'content-length': JSON.stringify({ label }).length, traceparent }, JSON.stringify({ label }), late);
    got.status = await json('sampled', '00-${'1'.repeat(32)}-${'2'.repeat(16)}-01', true);
    await json('unsampled', '00-${'3'.repeat(32)}-${'4'.repeat(16)}-00', false);
    await json('unsampled late', '00-${'3'.repeat(32)}-${'4'.repeat(16)}-00', true);
    await call(port, '/health', 'GET', { traceparent: '00-${'5'.repeat(32)}-${'6'.repeat(16)}-01' });
    got.port = port;
    await db.end();
    await started.shutdown();
    console.log(JSON.stringify(got));
    process.exit(0);
  }));
`;

describe('server spans from the kernel (no HTTP instrumentation)', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => (receiver = await startOtlpReceiver()));
  afterEach(() => receiver.close());

  it('a sampled request gets a server span with the HTTP attributes and its work under it; an unsampled one and a probe get none', async () => {
    // Ratio 0: only what the client sampled is traced (a root the server starts itself is not).
    const got = await probe(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_SAMPLER_ARG: '0',
        DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      },
      SERVER_PROBE,
    );
    expect(got.status).toBe(201);
    const spans = receiver.spans;
    // Only the sampled client's trace was exported.
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(['1'.repeat(32)]));
    const first = spans.find((s) => s.kind === 2 && s.attributes['url.path'] === '/first')!;
    expect(first).toMatchObject({
      name: 'POST',
      parentSpanId: '2'.repeat(16),
      attributes: { 'http.request.method': 'POST', 'url.path': '/first', 'http.response.status_code': 201, 'server.port': got.port },
    });
    // Its children: the SQL statement (pg span) and /second's server span, whose traceparent the
    // kernel's postText sent from /first's span (no client span between them).
    const children = spans.filter((s) => s.parentSpanId === first.spanId);
    expect(children.some((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    const second = children.find((s) => s.kind === 2)!;
    expect(second).toMatchObject({ name: 'POST', attributes: { 'url.path': '/second', 'http.response.status_code': 200 } });
    expect(got.sampled).toBe(`00-${'1'.repeat(32)}-${first.spanId}-01`);
    // The plain call carries no trace and has no span (the unsampled root it starts at /second exports nothing).
    expect(got['sampled plain']).toBeNull();
    expect(spans.filter((s) => s.kind === 3 && !s.attributes['db.system.name'] && !s.attributes['db.system'])).toEqual([]);
    expect(spans.length).toBe(3);
    // The unsampled request made no span, pg's included, and carried its traceparent on through Express.
    // Also when the body came in a later packet than the head (the socket's events are not in the
    // request's context; the body parser carries it over).
    expect(got.unsampled).toBe(`00-${'3'.repeat(32)}-${'4'.repeat(16)}-00`);
    expect(got['unsampled late']).toBe(`00-${'3'.repeat(32)}-${'4'.repeat(16)}-00`);
    expect(spans.filter((s: ReceivedSpan) => s.traceId !== '1'.repeat(32))).toEqual([]);
  });
});
