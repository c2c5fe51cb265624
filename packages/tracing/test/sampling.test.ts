/**
 * Sampling: OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG are honoured, the default is parent-based
 * ratio sampling, and a process that receives a `traceparent` follows its sampled flag, so a trace
 * is exported whole (every hop) or not at all.
 *
 * First the samplers themselves, with three "processes" (providers) passing W3C headers on; then
 * the real wiring: a process started by startTracing, its HTTP server calling a second hop over
 * HTTP, exporting to an OTLP receiver.
 */
import { ROOT_CONTEXT, trace, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test/support/otlp-receiver';
import { runProbe } from './probe';
import { createSampler, DEFAULT_SAMPLER_RATIO, randomHex, readSamplerConfig, TracingConfigError, unsampledTraceparent, type SamplerConfig } from '../src';

jest.setTimeout(90_000);

describe('ids of the traces started unsampled', () => {
  it('are valid W3C traceparents, new for every request, across refills of the random pool', () => {
    const seen = new Set<string>();
    // 24 bytes a request: 1,000 requests take the 4 KiB pool through several refills.
    for (let i = 0; i < 1000; i++) {
      const traceparent = unsampledTraceparent(undefined, () => false)!;
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(traceparent).not.toMatch(/^00-0{32}-|-0{16}-00$/);
      seen.add(traceparent.slice(3, 35));
    }
    expect(seen.size).toBe(1000);
    expect(randomHex(16)).toHaveLength(32);
    expect(randomHex(8)).toHaveLength(16);
  });

  it('carries on a client unsampled trace (its ids), and leaves a sampled one to be traced', () => {
    const client = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7';
    expect(unsampledTraceparent(`${client}-00`, () => true)).toBe(`${client}-00`);
    expect(unsampledTraceparent(`${client}-01`, () => false)).toBeUndefined();
  });
});

describe('readSamplerConfig', () => {
  it('defaults to parent-based ratio sampling of 0.1', () => {
    expect(readSamplerConfig({})).toEqual({ name: 'parentbased_traceidratio', ratio: DEFAULT_SAMPLER_RATIO });
    expect(DEFAULT_SAMPLER_RATIO).toBe(0.1);
  });

  it('reads the standard names', () => {
    expect(readSamplerConfig({ OTEL_TRACES_SAMPLER: 'always_on' })).toEqual({ name: 'always_on', ratio: 0.1 });
    expect(readSamplerConfig({ OTEL_TRACES_SAMPLER: ' ParentBased_TraceIdRatio ', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({
      name: 'parentbased_traceidratio',
      ratio: 0.25,
    });
    expect(readSamplerConfig({ OTEL_TRACES_SAMPLER_ARG: '0' })).toEqual({ name: 'parentbased_traceidratio', ratio: 0 });
  });

  it('refuses a sampler or ratio it does not know, saying which', () => {
    expect(() => readSamplerConfig({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(TracingConfigError);
    expect(() => readSamplerConfig({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(
      'OTEL_TRACES_SAMPLER must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio; got "jaeger_remote"',
    );
    expect(() => readSamplerConfig({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow('OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; got "1.5"');
    expect(() => readSamplerConfig({ OTEL_TRACES_SAMPLER_ARG: 'ten percent' })).toThrow(
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; got "ten percent"',
    );
  });
});

/** One process: a provider with the sampler, recording what it would export. */
function processWith(sampler: SamplerConfig) {
  const exported = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler: createSampler(sampler), spanProcessors: [new SimpleSpanProcessor(exported)] });
  return { tracer: provider.getTracer('test'), exported };
}

const propagator = new W3CTraceContextPropagator();

/**
 * One request through gateway → booking → payment: each hop extracts the headers it got, starts
 * its server span under them and sends its own context on. Returns the trace id.
 */
function request(hops: ReturnType<typeof processWith>[], incoming: Record<string, string> = {}): string {
  let headers = incoming;
  let traceId = '';
  for (const hop of hops) {
    const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const span = hop.tracer.startSpan('POST', {}, parent);
    traceId = span.spanContext().traceId;
    headers = {};
    propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
    // Unsampled, the header still goes on (flag 00), so the next hop knows it was decided.
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    span.end();
  }
  return traceId;
}

const exportedTraces = (hop: ReturnType<typeof processWith>) => new Set(hop.exported.getFinishedSpans().map((s) => s.spanContext().traceId));

describe('sampling decisions', () => {
  it('ratio 0 exports nothing, ratio 1 everything', () => {
    const none = [processWith({ name: 'parentbased_traceidratio', ratio: 0 }), processWith({ name: 'parentbased_traceidratio', ratio: 0 })];
    const all = [processWith({ name: 'parentbased_traceidratio', ratio: 1 }), processWith({ name: 'parentbased_traceidratio', ratio: 1 })];
    for (let i = 0; i < 50; i++) {
      request(none);
      request(all);
    }
    expect(none.map((hop) => hop.exported.getFinishedSpans().length)).toEqual([0, 0]);
    expect(all.map((hop) => hop.exported.getFinishedSpans().length)).toEqual([50, 50]);
  });

  it('the first process decides; the others follow the parent whatever their own ratio, so a trace is whole or absent', () => {
    const gateway = processWith({ name: 'parentbased_traceidratio', ratio: 0.5 });
    // Downstream ratios that would decide otherwise on their own: they must not be consulted.
    const booking = processWith({ name: 'parentbased_traceidratio', ratio: 0 });
    const payment = processWith({ name: 'parentbased_traceidratio', ratio: 1 });
    const traceIds = Array.from({ length: 400 }, () => request([gateway, booking, payment]));
    const sampled = exportedTraces(gateway);
    // About half (binomial, 400 draws: 0.5 ± 0.1 is more than 4 standard deviations).
    expect(sampled.size).toBeGreaterThan(160);
    expect(sampled.size).toBeLessThan(240);
    expect(exportedTraces(booking)).toEqual(sampled);
    expect(exportedTraces(payment)).toEqual(sampled);
    expect(traceIds.filter((id) => !sampled.has(id)).length).toBe(400 - sampled.size);
  });

  it('a client’s traceparent decides at the gateway: sampled is traced at ratio 0, unsampled is not at ratio 1', () => {
    const rare = [processWith({ name: 'parentbased_traceidratio', ratio: 0 }), processWith({ name: 'parentbased_traceidratio', ratio: 0 })];
    const always = [processWith({ name: 'parentbased_traceidratio', ratio: 1 }), processWith({ name: 'parentbased_traceidratio', ratio: 1 })];
    const sampledId = request(rare, { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    request(always, { traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-00` });
    expect(rare.map((hop) => [...exportedTraces(hop)])).toEqual([[sampledId], [sampledId]]);
    expect(always.map((hop) => hop.exported.getFinishedSpans().length)).toEqual([0, 0]);
  });

  it('always_off and non-parent-based samplers do as named', () => {
    const off = processWith({ name: 'always_off', ratio: 1 });
    const on = processWith({ name: 'always_on', ratio: 0 });
    request([off], { traceparent: `00-${'e'.repeat(32)}-${'f'.repeat(16)}-01` });
    request([on], { traceparent: `00-${'e'.repeat(32)}-${'f'.repeat(16)}-00` });
    expect(off.exported.getFinishedSpans().length).toBe(0);
    expect(on.exported.getFinishedSpans().length).toBe(1);
  });
});

/**
 * A process as a service runs: startTracing first, then an HTTP server (its handler wrapped by the
 * kernel's withIncomingTrace, as every service's is) whose /first handler calls /second through the
 * kernel's postText, as services call each other. Three requests: no traceparent, one sampled, one unsampled. Prints, per label,
 * the traceparent /second received and whether /first's handler ran inside a span; exports to the
 * receiver on shutdown.
 */
const PROBE = `
  const { startTracing } = require('@wsb/tracing');
  const started = startTracing('probe');
  const http = require('node:http');
  const api = require('@opentelemetry/api');
  const { postText } = require('./packages/kernel/src/http-client.ts');
  const { withIncomingTrace } = require('./packages/kernel/src/tracing.ts');
  const got = {};
  const call = (port, path, headers) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end();
  });
  const server = http.createServer(withIncomingTrace(async (req, res) => {
    const label = req.headers['x-label'];
    if (req.url === '/first') {
      got[label + ' in a span'] = Boolean(api.trace.getActiveSpan());
      // A library's own span, as @apollo/gateway starts for every request it serves.
      api.trace.getTracer('library').startActiveSpan('library.work', (span) => {
        got[label + ' library span recording'] = span.isRecording();
        span.end();
      });
      await postText('http://127.0.0.1:' + server.address().port + '/second', { 'x-label': label }, '', 10000);
    } else got[label] = req.headers.traceparent || null;
    res.end('ok');
  }));
  server.listen(0, '127.0.0.1', async () => {
    const port = server.address().port;
    await call(port, '/first', { 'x-label': 'none' });
    await call(port, '/first', { 'x-label': 'sampled', traceparent: '00-${'1'.repeat(32)}-${'2'.repeat(16)}-01' });
    await call(port, '/first', { 'x-label': 'unsampled', traceparent: '00-${'3'.repeat(32)}-${'4'.repeat(16)}-00' });
    await started.shutdown();
    console.log(JSON.stringify(got));
    process.exit(0);
  });
`;

/**
 * Batches as the outbox relay and RabbitMQ consumers run them (the kernel's inSpan with the first
 * event's stored trace context and links to the others'): one whose first event was unsampled but
 * later ones sampled, and one with none sampled. Prints what each batch's work ran under.
 */
const BATCHES = `
  const { startTracing } = require('@wsb/tracing');
  const started = startTracing('probe');
  const api = require('@opentelemetry/api');
  const { inSpan, currentTraceCarrier, SpanKind } = require('./packages/kernel/src/tracing.ts');
  const event = (trace, span, flags) => ({ traceparent: '00-' + trace.repeat(32) + '-' + span.repeat(16) + '-' + flags });
  const work = async () => ({ carrier: currentTraceCarrier(), recording: Boolean(api.trace.getActiveSpan()?.isRecording()) });
  (async () => {
    const got = {};
    got.mixed = await inSpan('mixed', { kind: SpanKind.CONSUMER, carrier: event('a', 'b', '00'), links: [event('c', 'd', '01'), event('e', 'f', '01')] }, work);
    got.unsampled = await inSpan('unsampled', { kind: SpanKind.CONSUMER, carrier: event('1', '2', '00'), links: [event('3', '4', '00')] }, work);
    await started.shutdown();
    console.log(JSON.stringify(got));
    process.exit(0);
  })();
`;

describe('startTracing samples as configured', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => (receiver = await startOtlpReceiver()));
  afterEach(() => receiver.close());

  async function probe(sampler: Record<string, string>, script = PROBE): Promise<Record<string, string | null>> {
    return runProbe(script, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', ...sampler });
  }

  it('at ratio 0 exports only the trace the client sampled, whole; the unsampled ones run without spans and carry their traceparent on', async () => {
    const got = await probe({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    // Every call between services got a traceparent: sampled only where the client asked for it.
    expect(got.none).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(got.sampled).toMatch(new RegExp(`^00-${'1'.repeat(32)}-[0-9a-f]{16}-01$`));
    expect(got.unsampled).toBe(`00-${'3'.repeat(32)}-${'4'.repeat(16)}-00`);
    // Unsampled requests cost no span work: none is active while they are handled.
    expect(got).toMatchObject({ 'none in a span': false, 'sampled in a span': true, 'unsampled in a span': false });
    const traces = new Set(receiver.spans.map((s) => s.traceId));
    expect(traces).toEqual(new Set(['1'.repeat(32)]));
    // A library's span in an unsampled request is a no-op, not the root of a trace of its own.
    expect(got).toMatchObject({ 'none library span recording': false, 'sampled library span recording': true, 'unsampled library span recording': false });
    // Whole: /first's server span, the library's inside it and /second's; the kernel's call has no
    // client span, its /second is a child of /first's server span. (Other outgoing calls get none
    // either: tracing.test.ts.)
    expect(receiver.spans.map((s) => s.kind).sort()).toEqual([1, 2, 2]);
    const first = receiver.spans.find((s) => s.kind === 2 && s.parentSpanId === '2'.repeat(16))!;
    expect(got.sampled!.split('-')[2]).toBe(first.spanId);
  });

  it('at ratio 1 exports every trace but the one the client left unsampled', async () => {
    const got = await probe({ OTEL_TRACES_SAMPLER_ARG: '1' });
    const noneTrace = got.none!.split('-')[1];
    expect(got.none).toMatch(/-01$/);
    expect(got).toMatchObject({ 'none in a span': true, 'unsampled in a span': false, 'unsampled library span recording': false });
    // The unsampled request's library span did not start a trace of its own (at ratio 1 the root
    // sampler would have kept it).
    expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([noneTrace, '1'.repeat(32)]));
    expect(receiver.spans.length).toBe(6);
  });

  it('a batch of events continues the first sampled one and links the other sampled ones; with none sampled it runs untraced', async () => {
    const got = (await probe({ OTEL_TRACES_SAMPLER_ARG: '0' }, BATCHES)) as unknown as Record<string, { carrier: Record<string, string>; recording: boolean }>;
    expect(receiver.spans).toHaveLength(1);
    const [span] = receiver.spans;
    expect(span).toMatchObject({ name: 'mixed', traceId: 'c'.repeat(32), parentSpanId: 'd'.repeat(16) });
    expect(span.links.map((l) => l.traceId)).toEqual(['e'.repeat(32)]);
    expect(got.mixed).toEqual({ carrier: { traceparent: `00-${'c'.repeat(32)}-${span.spanId}-01` }, recording: true });
    // Nothing sampled: no span (recording or not), and what it calls carries the first event's traceparent on.
    expect(got.unsampled).toEqual({ carrier: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-00` }, recording: false });
  });

  it('refuses to start with a sampler it does not know', async () => {
    await expect(probe({ OTEL_TRACES_SAMPLER: 'sometimes' })).rejects.toThrow(/OTEL_TRACES_SAMPLER must be one of/);
  });
});
