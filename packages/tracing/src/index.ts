/**
 * OpenTelemetry tracing for one process, started before anything it instruments is loaded.
 *
 * Every service's entry file imports its own `./tracing` first, which calls startTracing(name).
 * The production build (scripts/build.mjs) keeps npm packages as plain requires in the order the
 * sources import them, and tsx does the same, so the pg instrumentation is registered
 * before `pg` or anything using it is required, in `node dist/index.js`, `npm start`,
 * the Docker image and `./dev.sh watch` alike: no --require flag to forget.
 *
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: then
 * nothing but this file is loaded, and @opentelemetry/api stays the no-op it is by default. On:
 * a NodeTracerProvider with the W3C trace-context propagator and an AsyncLocalStorage context
 * manager, spans batched (OTEL_BSP_*) to an OTLP/HTTP exporter (protobuf, or JSON with
 * OTEL_EXPORTER_OTLP_PROTOCOL=http/json), and:
 *  - HTTP: a server span per request, started by the kernel's withIncomingTrace (every service's
 *    HTTP server is wrapped in it) when this file's decision (Tracing.incoming) says the request is
 *    traced; the `traceparent` it carries is its parent. Health, readiness, status and metrics
 *    probes are left out. No HTTP instrumentation: its patched http.request and server emit and
 *    its context binding ran on every request, sampled or not, and cost more than the spans
 *    (docs/benchmarks.md, "Tracing's cost"). Calls between the platform's processes go through the
 *    kernel's postText, which puts `traceparent` on them itself; other outgoing calls (the
 *    exporter's own, SMTP) get no span.
 *  - pg: a span per SQL statement, only inside a traced operation (the relay's and sweeper's polls
 *    and unsampled requests start no spans).
 * The kernel adds its own spans for the outbox and RabbitMQ (packages/kernel/src/tracing.ts), and
 * @apollo/gateway its gateway.request / plan / execute / fetch spans.
 *
 * Sampling (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG; read here, validated at start-up): by
 * default parent-based with a ratio of 0.1 at the root. The process that starts a trace
 * (the gateway, or the client whose `traceparent` it continues) decides; every process after it
 * follows the sampled flag of the `traceparent` it receives, so a trace is whole or absent. An
 * unsampled request carries its `traceparent` (flag 00) on and records nothing.
 */
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Attributes, Context } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { OnDemandContextManager as OnDemand } from './context';

/** The OTEL_TRACES_SAMPLER values the SDK specification names, less the remote (Jaeger, X-Ray) ones. */
export const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/**
 * Production default: the root decides with probability 0.1, children follow their parent, so a
 * tenth of the traffic is exported (a few traces a second at production rates) and the rest runs
 * untraced. What it costs is measured in docs/benchmarks.md, "Tracing's cost".
 */
export const DEFAULT_SAMPLER: SamplerName = 'parentbased_traceidratio';
export const DEFAULT_SAMPLER_RATIO = 0.1;

export interface SamplerConfig {
  name: SamplerName;
  /** For the traceidratio samplers: the share of root traces kept, 0 to 1. */
  ratio: number;
}

export interface TracingConfig {
  /** Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (full URL) or OTEL_EXPORTER_OTLP_ENDPOINT (base URL, /v1/traces is added). */
  endpoint?: string;
  /** OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (default) or http/json. */
  protocol: 'http/protobuf' | 'http/json';
  /** OTEL_SERVICE_NAME: overrides the process's own name (gateway, booking, ...). */
  serviceName?: string;
  /** OTEL_SDK_DISABLED=true turns tracing off even with an endpoint. */
  disabled: boolean;
}

/** A setting that would make tracing do something else than asked: the process refuses to start. */
export class TracingConfigError extends Error {
  override name = 'TracingConfigError';
}

/**
 * OTEL_TRACES_SAMPLER (default parentbased_traceidratio) and OTEL_TRACES_SAMPLER_ARG (default 0.1),
 * read only when tracing is on; throws TracingConfigError on a value it does not know.
 */
export function readSamplerConfig(env: NodeJS.ProcessEnv = process.env): SamplerConfig {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || DEFAULT_SAMPLER;
  if (!(SAMPLERS as readonly string[]).includes(name)) {
    throw new TracingConfigError(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}; got "${env.OTEL_TRACES_SAMPLER}"`);
  }
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  // The SDK's own default ratio is 1; ours is the production default above, whichever ratio sampler is named.
  const ratio = arg ? Number(arg) : DEFAULT_SAMPLER_RATIO;
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TracingConfigError(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; got "${env.OTEL_TRACES_SAMPLER_ARG}"`);
  }
  return { name: name as SamplerName, ratio };
}

/**
 * The settings this file reads (the SDK itself also reads OTEL_BSP_*, OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_EXPORTER_OTLP_COMPRESSION...); the sampler's are readSamplerConfig's.
 */
export function readTracingConfig(env: NodeJS.ProcessEnv = process.env): TracingConfig {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim() === 'http/json' ? 'http/json' : 'http/protobuf';
  return {
    endpoint,
    protocol,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || undefined,
    disabled: env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true',
  };
}

/**
 * The SDK sampler for a config (loads the SDK: call only when tracing is on). With
 * `serverRootsDecided` (the parent-based samplers under startTracing's fast path), a server span
 * without a parent is always sampled: the fast path already drew the root decision for that request
 * and let through only the ones to trace. With `onlyServerRoots` as well (the gateway), any other
 * span without a parent is never sampled: there, that is a span Apollo Gateway starts in a request
 * the fast path left untraced (OnDemandContextManager runs those with the root context).
 */
export function createSampler({ name, ratio }: SamplerConfig, options: { serverRootsDecided?: boolean; onlyServerRoots?: boolean } = {}): Sampler {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const sdk = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { SpanKind } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const root: Sampler = name.endsWith('always_on')
    ? new sdk.AlwaysOnSampler()
    : name.endsWith('always_off')
      ? new sdk.AlwaysOffSampler()
      : new sdk.TraceIdRatioBasedSampler(ratio);
  if (!name.startsWith('parentbased_')) return root;
  if (!options.serverRootsDecided) return new sdk.ParentBasedSampler({ root });
  const others: Sampler = options.onlyServerRoots ? new sdk.AlwaysOffSampler() : root;
  const decided: Sampler = {
    shouldSample: (ctx, traceId, spanName, kind, attributes, links) =>
      kind === SpanKind.SERVER ? { decision: sdk.SamplingDecision.RECORD_AND_SAMPLED } : others.shouldSample(ctx, traceId, spanName, kind, attributes, links),
    toString: () => `ServerRootsDecidedBefore{${others.toString()}}`,
  };
  return new sdk.ParentBasedSampler({ root: decided });
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;

/**
 * The fast path's decision for an incoming request, before any span work: the `traceparent` to
 * carry on when it is not to be traced (its own flag 00, or a new trace id when it starts a trace
 * the root decision leaves out), undefined when it is to be traced. Parent-based samplers only.
 */
export function unsampledTraceparent(header: string | string[] | undefined, sampleRoot: () => boolean): string | undefined {
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  if (match && match[1] !== 'ff' && !ZEROS.test(match[2]!) && !ZEROS.test(match[3]!)) {
    return parseInt(match[4]!, 16) & 1 ? undefined : `00-${match[2]}-${match[3]}-00`;
  }
  return sampleRoot() ? undefined : `00-${randomHex(16)}-${randomHex(8)}-00`;
}

/**
 * Random ids for the traces the fast path starts unsampled (one per request at the gateway): hex
 * from a pool filled from the CSPRNG 4 KiB at a time. Two randomBytes calls per request cost about
 * 75 µs on the 2-core VM, as much as the rest of the SDK's work on an unsampled request (a profile
 * in docs/benchmarks.md, "Tracing's cost"). Never all zeros (an invalid id): a zero draw is drawn again.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
export function randomHex(bytes: number): string {
  for (;;) {
    if (poolAt + bytes > pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const hex = pool.toString('hex', poolAt, (poolAt += bytes));
    if (!ZEROS.test(hex)) return hex;
  }
}

/**
 * What to do with an incoming HTTP request: `probe` (health, readiness...: nothing), `span` (start a
 * server span under its `traceparent`; with a parent-based sampler the request is known to be
 * sampled, with the others the sampler decides), or the `traceparent` to carry on unsampled.
 */
export type IncomingTrace = 'probe' | 'span' | { unsampled: string };

export interface Tracing {
  serviceName: string;
  /** Decides for an incoming request, before any span work (the kernel's withIncomingTrace asks). */
  incoming(req: IncomingMessage): IncomingTrace;
  /**
   * Whether an unsampled parent means untraced (the parent-based samplers, with the fast path):
   * then work continuing an unsampled request or event runs with no span work at all.
   */
  followsParent: boolean;
  /**
   * The context for work not to be traced: the SDK's tracing suppressed, so a span anything starts
   * in it (Apollo Gateway's for every request, pg's, the kernel's) is a no-op costing no sampling and
   * no ids, and can never become the root of a trace of its own.
   */
  untraced(ctx: Context): Context;
  /**
   * With `contextWhileTraced` (the gateway): an unsampled request runs in no context at all (the
   * kernel hands its `traceparent` to the request instead), and a traced one holds the context's
   * storage enabled while it is in flight, through `hold()` (see OnDemandContextManager).
   */
  contextWhileTraced: boolean;
  /** Keeps the context's storage enabled until the release it returns is called. */
  hold(): () => void;
  /** Exports what is buffered and stops (call on shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Where the running tracing is kept: one per process whatever copies of this module exist, and
 * found by the kernel (which only uses @opentelemetry/api) to know whether tracing is on.
 */
const GLOBAL = Symbol.for('wsb.tracing');
type Global = { [GLOBAL]?: Tracing };

function activeTracing(): Tracing | undefined {
  return (globalThis as Global)[GLOBAL];
}

const noRelease = () => undefined;

/** HTTP requests that are probes, not work: never traced. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics', '/status', '/favicon.ico']);

export interface StartOptions {
  /**
   * Context (an AsyncLocalStorage) only for the requests traced: for a process whose only work is
   * HTTP requests and which needs no request scope of its own, i.e. the gateway (the subgraphs
   * keep theirs in the OpenTelemetry context, and their unsampled requests carry it there). Only
   * with the parent-based samplers (the fast path); the others decide per span and keep it on.
   */
  contextWhileTraced?: boolean;
}

/**
 * Starts tracing for this process when an OTLP endpoint is configured; returns undefined (and
 * loads nothing) otherwise. Idempotent.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Tracing | undefined {
  const config = readTracingConfig(env);
  if (!config.endpoint || config.disabled) return undefined;
  const running = activeTracing();
  if (running) return running;

  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { suppressTracing } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { OnDemandContextManager } = require('./context') as { OnDemandContextManager: typeof OnDemand };
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { OTLPTraceExporter } = (
    config.protocol === 'http/json' ? require('@opentelemetry/exporter-trace-otlp-http') : require('@opentelemetry/exporter-trace-otlp-proto')
  ) as typeof import('@opentelemetry/exporter-trace-otlp-http');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const name = config.serviceName ?? serviceName;
  const resource: Attributes = { 'service.name': name, 'service.namespace': 'workspace-booking', 'process.pid': process.pid };
  // The exporter reads the endpoint (adding /v1/traces to a base URL), headers and timeout from the environment itself.
  const sampler = readSamplerConfig(env);
  // Fast path for the parent-based samplers: a request not to be traced is known from its
  // traceparent (or, starting a trace, from the root decision drawn here) before any span work, and
  // the kernel runs it with no span, only carrying its traceparent on (withIncomingTrace). The other
  // samplers decide per span.
  const fastPath = sampler.name.startsWith('parentbased_');
  const sampleRoot = sampler.name.endsWith('always_on') ? () => true : sampler.name.endsWith('always_off') ? () => false : () => Math.random() < sampler.ratio;
  const incoming = (req: IncomingMessage): IncomingTrace => {
    if (UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!)) return 'probe';
    if (!fastPath) return 'span';
    const traceparent = unsampledTraceparent(req.headers.traceparent, sampleRoot);
    return traceparent ? { unsampled: traceparent } : 'span';
  };
  const whileTraced = fastPath && Boolean(options.contextWhileTraced);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes(resource),
    sampler: createSampler(sampler, { serverRootsDecided: fastPath, onlyServerRoots: whileTraced }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  const contextManager = whileTraced ? new OnDemandContextManager() : undefined;
  // Global tracer provider, W3C trace-context + baggage propagators, AsyncLocalStorage context
  // manager (the SDK's, or in the gateway the one enabled only while a traced request is in flight).
  provider.register(contextManager ? { contextManager } : {});
  registerInstrumentations({
    tracerProvider: provider,
    // One span per statement, only under a span (an unsampled request has none); none for taking a
    // connection from the pool (cheaper, and says little).
    instrumentations: [new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true })],
  });

  const tracing: Tracing = {
    serviceName: name,
    incoming,
    followsParent: fastPath,
    untraced: suppressTracing,
    contextWhileTraced: whileTraced,
    hold: contextManager ? () => contextManager.hold() : () => noRelease,
    shutdown: () => provider.shutdown(),
  };
  (globalThis as Global)[GLOBAL] = tracing;
  return tracing;
}
