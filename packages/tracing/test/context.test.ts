/**
 * The gateway's context mode (startTracing(..., { contextWhileTraced: true })), in a fresh process
 * as the gateway runs it: a request the fast path leaves untraced runs with no trace context and no
 * AsyncLocalStorage enabled (so, on Node 20, no promise hook), its `traceparent` handed to the
 * request (requestTraceparent) for the caller to put on its fetches; a traced one holds the
 * storage enabled while it is in flight, and its spans nest as before. Apollo Gateway's spans are
 * played by startActiveSpan calls like its own (gateway.request, then gateway.fetch around the call).
 */
import { startOtlpReceiver, type OtlpReceiver } from '../../../test/support/otlp-receiver';
import { runProbe } from './probe';

jest.setTimeout(90_000);

const SAMPLED = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
const UNSAMPLED = `00-${'3'.repeat(32)}-${'4'.repeat(16)}-00`;

/**
 * POST /request plays the gateway: Apollo's spans around a call to /second through the kernel's
 * postText, with the request's untraced traceparent on the headers as the data source puts it.
 * `x-wait` ms before the call keeps a request in flight while others run. Prints, per label, what
 * /second received, and what the untraced one saw of the context.
 */
const GATEWAY_PROBE = `
  const { startTracing } = require('@wsb/tracing');
  const started = startTracing('gateway-probe', process.env, { contextWhileTraced: true });
  const http = require('node:http');
  const api = require('@opentelemetry/api');
  const { postText } = require('./packages/kernel/src/http-client.ts');
  const { withIncomingTrace, requestTraceparent, activeTraceIds } = require('./packages/kernel/src/tracing.ts');
  const tracer = api.trace.getTracer('@apollo/gateway');
  const manager = api.context._getContextManager();
  const storage = manager._asyncLocalStorage;
  // Node 20 and 22 (async_hooks storage): whether this storage is enabled, i.e. its promise hook is on.
  const storageOn = () => (typeof storage.enabled === 'boolean' ? storage.enabled : null);
  const got = { seen: {} };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const handler = async (req, res) => {
    if (req.url === '/second') {
      let body = '';
      for await (const chunk of req) body += chunk;
      got[JSON.parse(body).label] = req.headers.traceparent || null;
      return res.end('{}');
    }
    const label = req.headers['x-label'];
    const traceparent = requestTraceparent(req);
    await tracer.startActiveSpan('gateway.request', async (span) => {
      await sleep(Number(req.headers['x-wait'] || 0));
      await tracer.startActiveSpan('gateway.fetch', async (fetch) => {
        const headers = { 'content-type': 'application/json', ...(traceparent ? { traceparent } : {}) };
        await postText('http://127.0.0.1:' + server.address().port + '/second', headers, JSON.stringify({ label }), 10000);
        fetch.end();
      });
      got.seen[label] = { traceparent: traceparent || null, ids: activeTraceIds() || null, root: api.context.active() === api.ROOT_CONTEXT, storageOn: storageOn(), holding: manager.holding };
      span.end();
    });
    res.end('{}');
  };
  const server = http.createServer(withIncomingTrace((req, res) => void handler(req, res)));
  const call = (label, traceparent, wait = 0) => new Promise((resolve, reject) => {
    const headers = { 'x-label': label, 'x-wait': String(wait), ...(traceparent ? { traceparent } : {}) };
    const req = http.request({ host: '127.0.0.1', port: server.address().port, path: '/request', method: 'POST', headers }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end();
  });
  server.listen(0, '127.0.0.1', async () => {
    got.storageAtStart = storageOn();
    await call('alone', '${UNSAMPLED}');
    await call('new', undefined);
    // An untraced request while a traced one is in flight (the storage is on then), and the reverse.
    await Promise.all([call('sampled', '${SAMPLED}', 300), sleep(100).then(() => call('during', '${UNSAMPLED}'))]);
    got.holdingAfter = manager.holding;
    got.storageAfter = storageOn();
    await call('after', '${UNSAMPLED}');
    await started.shutdown();
    console.log(JSON.stringify(got));
    process.exit(0);
  });
`;

const probe = (env: Record<string, string>) => runProbe(GATEWAY_PROBE, env);

describe('the gateway’s context only while a traced request is in flight', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => (receiver = await startOtlpReceiver()));
  afterEach(() => receiver.close());

  it('untraced requests run with no context and carry their traceparent on; the traced one nests as before; no span leaks', async () => {
    // Ratio 0: only the client's sampled request is traced; every root Apollo starts is refused.
    const got = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER_ARG: '0' });
    const onNode20Or22 = got.storageAtStart !== null;

    // The storage is not enabled until a traced request comes, nor after the last one is done.
    if (onNode20Or22) expect(got.storageAtStart).toBe(false);
    expect(got.holdingAfter).toBe(0);
    if (onNode20Or22) expect(got.storageAfter).toBe(false);

    // Untraced, alone: no context, its traceparent on the call, and its trace id (no span id) for logs from it.
    expect(got.seen.alone).toMatchObject({ traceparent: UNSAMPLED, root: true, holding: 0 });
    if (onNode20Or22) expect(got.seen.alone.storageOn).toBe(false);
    expect(got.alone).toBe(UNSAMPLED);
    expect(got.after).toBe(UNSAMPLED);
    // A new trace the gateway starts unsampled: a new traceparent, flag 00.
    expect(got.new).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(got.new).toBe(got.seen.new.traceparent);
    // Untraced while the traced one held the storage: its own traceparent still went on, not the
    // id of a no-op span Apollo started in it.
    expect(got.seen.during.holding).toBe(1);
    expect(got.during).toBe(UNSAMPLED);

    // The traced one: server span ← gateway.request ← gateway.fetch, and /second's traceparent from gateway.fetch.
    const spans = await waitForSpans(receiver, 4);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(['1'.repeat(32)]));
    const byName = Object.fromEntries(spans.filter((s) => s.attributes['url.path'] !== '/second').map((s) => [s.name, s]));
    expect(byName.POST.parentSpanId).toBe('2'.repeat(16));
    expect(byName['gateway.request'].parentSpanId).toBe(byName.POST.spanId);
    expect(byName['gateway.fetch'].parentSpanId).toBe(byName['gateway.request'].spanId);
    expect(got.sampled).toBe(`00-${'1'.repeat(32)}-${byName['gateway.fetch'].spanId}-01`);
    expect(got.seen.sampled).toMatchObject({ traceparent: null, root: false, ids: { traceId: '1'.repeat(32), spanId: byName['gateway.request'].spanId } });
    // /second's server span for the traced call, under gateway.fetch; none for the untraced calls.
    const second = spans.filter((s) => s.attributes['url.path'] === '/second');
    expect(second.map((s) => s.parentSpanId)).toEqual([byName['gateway.fetch'].spanId]);
    expect(spans).toHaveLength(4);
  });

  it('with every root sampled, the spans Apollo starts in an untraced request still become no trace of their own', async () => {
    // parentbased_always_on: the new trace is traced too; the client's unsampled ones are not, and
    // the roots Apollo's no-op spans would otherwise be there are refused (only server spans may be roots).
    const got = await probe({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
    const spans = await waitForSpans(receiver, 8);
    const newTrace = got.new.split('-')[1];
    expect(got.new).toMatch(/-01$/);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(['1'.repeat(32), newTrace]));
    expect(spans).toHaveLength(8);
    for (const label of ['alone', 'during', 'after']) expect(got[label]).toBe(UNSAMPLED);
  });
});

async function waitForSpans(receiver: OtlpReceiver, count: number) {
  for (let i = 0; i < 100 && receiver.spans.length < count; i++) await new Promise((r) => setTimeout(r, 50));
  return receiver.spans;
}
