/**
 * What one request has done so far, wherever in the process the work happens: its id (from the
 * gateway's `x-request-id`, so one client request has one id in every service's logs) and how
 * many SQL statements it sent. Node's AsyncLocalStorage carries it through every await.
 *
 * With tracing on, the scope rides in the OpenTelemetry context, which the SDK's context manager
 * already carries in an AsyncLocalStorage of its own: one storage instead of two. On Node 20 every
 * enabled AsyncLocalStorage adds its own work to every promise created (its promise hook); a second
 * one cost about 0.1 ms of CPU per request at the gateway (docs/benchmarks.md, "Tracing's cost").
 * With tracing off (the OpenTelemetry context is then a no-op), the scope has its own storage.
 * Which one is decided once, when this module loads: tracing starts before anything else.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, context, createContextKey } from '@opentelemetry/api';
import { tracingEnabled } from './tracing';

export interface RequestScope {
  requestId: string;
  /** SQL statements sent while serving this request. */
  sql: number;
}

/** The scope's own storage, with tracing off; with tracing on, undefined: the scope is in the OpenTelemetry context. */
const scopes = tracingEnabled() ? undefined : new AsyncLocalStorage<RequestScope>();
const SCOPE = createContextKey('wsb request scope');

/** Request ids are echoed into logs and headers: a short token of safe characters, or a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._:-]{1,100}$/.test(value) ? value : randomUUID();
}

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes ? scopes.run(scope, fn) : context.with(context.active().setValue(SCOPE, scope), fn);
}

export function currentRequest(): RequestScope | undefined {
  return scopes ? scopes.getStore() : (context.active().getValue(SCOPE) as RequestScope | undefined);
}

/**
 * Work a request starts but does not wait for (the outbox relay, say) is not counted as the
 * request's, nor traced as part of it (it carries its own trace context where it needs one).
 */
export function outsideRequest<T>(fn: () => T): T {
  return scopes ? scopes.exit(() => context.with(ROOT_CONTEXT, fn)) : context.with(ROOT_CONTEXT, fn);
}
