/**
 * The platform's trace context, carried by the kernel itself: a server span per traced HTTP request
 * (withIncomingTrace; there is no HTTP instrumentation), `traceparent` on calls between services
 * (injectTraceContext), into the booking outbox (stored with the event), onto RabbitMQ messages
 * (headers) and back out in the consumer, so the work an event causes in notification and reporting
 * is part of the trace of the request that wrote it.
 *
 * Only @opentelemetry/api is used here: the SDK is started, or not, by @wsb/tracing before anything
 * else loads (see packages/tracing). With tracing off every function here is a cheap no-op.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  createContextKey,
  propagation,
  trace,
  type Attributes,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

export { SpanKind } from '@opentelemetry/api';

/** W3C trace-context headers (`traceparent`, and `tracestate` when there is one). */
export type TraceCarrier = Record<string, string>;

const GLOBAL = Symbol.for('wsb.tracing');

const tracer = () => trace.getTracer('@wsb/kernel');

/** @wsb/tracing's decision for an incoming request (its IncomingTrace). */
type IncomingTrace = 'probe' | 'span' | { unsampled: string };
/** What the kernel uses of @wsb/tracing's Tracing (kept on the global by startTracing). */
type Global = {
  [GLOBAL]?: {
    incoming(req: IncomingMessage): IncomingTrace;
    followsParent: boolean;
    untraced(ctx: Context): Context;
    contextWhileTraced?: boolean;
    hold?(): () => void;
  };
};

/** Whether @wsb/tracing started the SDK in this process. */
export function tracingEnabled(): boolean {
  return Boolean((globalThis as Global)[GLOBAL]);
}

/**
 * Exports the spans still buffered and stops tracing; call last on shutdown. Never rejects, and
 * waits at most `timeoutMs` (an unreachable collector must not hold up a restart).
 */
export async function shutdownTracing(timeoutMs = 3000): Promise<void> {
  const tracing = (globalThis as { [GLOBAL]?: { shutdown(): Promise<void> } })[GLOBAL];
  if (!tracing) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([tracing.shutdown().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs).unref()))]);
  clearTimeout(timer);
}

/**
 * The trace and span id of the active span, for log lines; for an unsampled request, its trace id
 * alone (the same in every process it reaches, so its lines can still be found together).
 * Undefined when tracing is off or nothing is traced.
 */
export function activeTraceIds(): { traceId: string; spanId?: string } | undefined {
  const traceparent = unsampledTraceparent();
  if (traceparent) return { traceId: traceparent.slice(3, 35) };
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? { traceId, spanId } : undefined;
}

/**
 * An unsampled request (@wsb/tracing decides so before any span work) runs with the `traceparent`
 * to pass on (flag 00) as its only trace state, and the SDK's tracing suppressed: no span of its
 * own, none from Apollo Gateway, pg or the kernel (each a no-op that could otherwise have become
 * the root of a trace of its own), and the calls and events it causes carry the header on, so the
 * processes after it do not trace it either.
 */
const UNSAMPLED = createContextKey('wsb unsampled traceparent');

/** The `traceparent` of an unsampled request being handled, if that is what is running. */
const unsampledTraceparent = () => context.active().getValue(UNSAMPLED) as string | undefined;

function untracedContext(traceparent: string): Context {
  const ctx = context.active().setValue(UNSAMPLED, traceparent);
  return (globalThis as Global)[GLOBAL]?.untraced(ctx) ?? ctx;
}

/**
 * Wraps an HTTP server's request handler in the request's trace: a traced request runs inside its
 * SERVER span (child of its `traceparent`, ended when the response is done), so Apollo's, pg's,
 * the outbox's and RabbitMQ's spans and the calls to other services continue it; an unsampled one
 * runs with its `traceparent` to carry on; probes, and everything when tracing is off, run as they are.
 */
export function withIncomingTrace(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const tracing = (globalThis as Global)[GLOBAL];
    const decision = tracing?.incoming(req) ?? 'probe';
    if (decision === 'probe') return handler(req, res);
    if (decision === 'span') return inServerSpan(req, res, handler);
    // The gateway: no context at all, the traceparent goes with the request (requestTraceparent).
    if (tracing?.contextWhileTraced) {
      (req as Tagged)[UNSAMPLED_REQUEST] = decision.unsampled;
      return handler(req, res);
    }
    // No binding of the request's events to the context: the fast path reads the body with await,
    // and Express's body parser (raw-body) runs its callback in the context it was called in.
    return context.with(untracedContext(decision.unsampled), () => handler(req, res));
  };
}

const UNSAMPLED_REQUEST = Symbol('wsb unsampled traceparent');
type Tagged = IncomingMessage & { [UNSAMPLED_REQUEST]?: string };

/**
 * The `traceparent` (flag 00) to carry on for a request withIncomingTrace left unsampled in a
 * process that runs those in no trace context (the gateway, which keeps it in Apollo's context and
 * puts it on its subgraph fetches); undefined for any other request and in any other process.
 */
export function requestTraceparent(req: IncomingMessage): string | undefined {
  return (req as Tagged)[UNSAMPLED_REQUEST];
}

/** The HTTP server span of a traced request (semantic conventions: name `{method}`, http.*, url.*, server.*). */
function inServerSpan(req: IncomingMessage, res: ServerResponse, handler: (req: IncomingMessage, res: ServerResponse) => void): void {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const method = req.method ?? 'GET';
  const span = tracer().startSpan(
    method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'url.path': (req.url ?? '/').split('?')[0],
        'url.scheme': 'http',
        'server.port': req.socket.localPort,
        'network.protocol.version': req.httpVersion,
      },
    },
    parent,
  );
  const traced = trace.setSpan(parent, span);
  // In the gateway, the context's storage stays enabled while this request is in flight.
  const release = (globalThis as Global)[GLOBAL]?.hold?.();
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    else if (!res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the response was sent' });
    span.end();
    release?.();
  });
  context.with(traced, () => handler(req, res));
}

/** The active trace context as W3C headers, to store or send; null when nothing is traced. */
export function currentTraceCarrier(): TraceCarrier | null {
  if (!tracingEnabled()) return null;
  // In an unsampled request, the spans libraries start are no-ops (tracing is suppressed): its own traceparent is what goes on.
  const traceparent = unsampledTraceparent();
  if (traceparent) return { traceparent };
  if (!trace.getActiveSpan()) return null;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : null;
}

/**
 * Puts the active trace context on the headers of a call to another of the platform's processes
 * (`traceparent`, flag 00 when unsampled: the callee follows the decision). @wsb/tracing leaves
 * calls that carry it alone: no client span, whose attributes and response listeners cost more than
 * they tell (the caller's own span, e.g. gateway.fetch, and the callee's server span bracket the call).
 */
export function injectTraceContext(headers: Record<string, string | number>): void {
  // A caller that set it knows better (the gateway, for a request it runs in no trace context).
  if (!tracingEnabled() || headers.traceparent !== undefined) return;
  const traceparent = unsampledTraceparent();
  if (traceparent) headers.traceparent = traceparent;
  else if (trace.getActiveSpan()) propagation.inject(context.active(), headers);
}

/**
 * Runs `fn` in a new span whose parent is the trace context in `carrier` (what the producer
 * stored or sent), or the active one when the carrier has none. Work done for several traced
 * things at once (a batch: `carrier` the first's, `links` the others') continues the first of them
 * that was sampled and links the other sampled ones; when none was (and the sampler follows the
 * parent), `fn` runs untraced like an unsampled request, carrying the first's `traceparent` on.
 * The span ends when `fn` settles; a rejection marks it failed. Without tracing, just `fn()`.
 */
export async function inSpan<T>(
  name: string,
  options: { kind: SpanKind; carrier?: Record<string, unknown> | null; attributes?: Attributes; links?: (Record<string, unknown> | null | undefined)[] },
  fn: () => Promise<T>,
): Promise<T> {
  const tracing = (globalThis as Global)[GLOBAL];
  if (!tracing) return fn();
  const stored = [options.carrier, ...(options.links ?? [])].flatMap((carrier) => {
    const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier, headerGetter) : undefined;
    const spanContext = parent && trace.getSpanContext(parent);
    return spanContext ? [{ parent: parent!, spanContext }] : [];
  });
  const sampled = stored.filter(({ spanContext }) => spanContext.traceFlags & TraceFlags.SAMPLED);
  if (tracing.followsParent && !sampled.length) {
    if (stored.length) return context.with(untracedContext(traceparentOf(stored[0].spanContext)), fn);
    if (unsampledTraceparent()) return fn(); // inside an unsampled request: already untraced
  }
  const [first, ...others] = tracing.followsParent ? sampled : stored;
  const parent = first?.parent ?? context.active();
  const links = others.map(({ spanContext }) => ({ context: spanContext }));
  return tracer().startActiveSpan(name, { kind: options.kind, attributes: options.attributes, links }, parent, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

const traceparentOf = ({ traceId, spanId, traceFlags }: SpanContext) => `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;

/** AMQP header values may arrive as Buffers; the W3C values are ASCII either way. */
const headerGetter = {
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
  get: (carrier: Record<string, unknown>, key: string) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('latin1');
    return undefined;
  },
};
