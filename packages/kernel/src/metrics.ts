/**
 * Prometheus metrics (prom-client), one registry per process, served at /metrics on each
 * subgraph's port (reached only inside the platform) and on the gateway's separate metrics port.
 * Counters here are also what the CI guard counts: SQL statements and calls between services.
 *
 * Labels stay bounded: an operation is named by its root field (a schema field, never client
 * text), an outcome by an error code from a fixed list, a target by a service name; never a user.
 * Hot paths keep the label children they use (`labelled`), so a request costs a Map lookup per metric.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { ServiceName } from './services';
import { ERROR_CODES, REQUEST_ERROR_CODES } from './errors';
import type { Logger } from './logger';
import { currentRequest } from './request-scope';
import type { ServiceClient } from './service-client';

export interface Metrics {
  /**
   * METRICS_ENABLED (default true). Off: no background sampling (default metrics, event-loop delay),
   * nothing counted or timed per request, call, statement or message, nothing served; the objects
   * below still exist (rare events such as a circuit changing state still set them), so no caller checks.
   */
  enabled: boolean;
  registry: Registry;
  /** Every SQL statement this process sent to its database (BEGIN and COMMIT included). */
  sqlStatements: Counter;
  /** Calls to other services, by target service and outcome (ok, or the error code). */
  serviceCalls: Counter<'target' | 'outcome'>;
  serviceCallSeconds: Histogram<'target' | 'outcome'>;
  /** GraphQL requests this process answered, by root field and outcome (see requestObserver). */
  requests: Counter<'operation' | 'outcome'>;
  requestSeconds: Histogram<'operation' | 'outcome'>;
  /** Per target of this process's circuit breakers: 0 closed, 1 half-open, 2 open. */
  circuitState: Gauge<'target'>;
  circuitTransitions: Counter<'target' | 'state'>;
  /** Requests refused by a rate limit, by rule (the limit's kind). */
  rateLimitRefusals: Counter<'rule'>;
  /** Rate-limit checks answered by the per-process limiter because Redis was unavailable. */
  rateLimitFallbacks: Counter<'rule'>;
  /** Messages consumed from RabbitMQ, by queue and outcome (ok, retry, dead_letter). */
  amqpMessages: Counter<'queue' | 'outcome'>;
}

/** Latency buckets (seconds) for requests and calls: sub-millisecond answers up to the 5 s timeout and beyond. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How many and how long, over the same labels: a counter and a latency histogram. */
function countedAndTimed<L extends string>(
  labelNames: L[],
  registers: Registry[],
  counter: { name: string; help: string },
  histogram: { name: string; help: string },
): [Counter<L>, Histogram<L>] {
  return [new Counter({ ...counter, labelNames, registers }), new Histogram({ ...histogram, labelNames, buckets: LATENCY_BUCKETS, registers })];
}

/**
 * How often the event-loop delay is sampled (nodejs_eventloop_lag_* metrics), in ms. prom-client's
 * default, 10, wakes an idle process 100 times a second: about 7 ms of CPU a second per process
 * here, 0.7 ms per booking across nine processes at 100 bookings/s (docs/benchmarks.md, "Idle
 * wake-ups"). At 100 ms a delay is still measured to the microsecond, ten times a second.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(service: string, { enabled = true }: { enabled?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (enabled) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const registers = [registry];
  const [serviceCalls, serviceCallSeconds] = countedAndTimed(
    ['target', 'outcome'],
    registers,
    { name: 'wsb_service_calls_total', help: 'GraphQL calls to another service, by target and outcome (ok or the error code).' },
    { name: 'wsb_service_call_duration_seconds', help: 'Duration of GraphQL calls to another service, by target and outcome.' },
  );
  const [requests, requestSeconds] = countedAndTimed(
    ['operation', 'outcome'],
    registers,
    {
      name: 'wsb_graphql_requests_total',
      help: 'GraphQL requests answered, by operation (root field; "multiple" or "other") and outcome (ok or the first error code).',
    },
    { name: 'wsb_graphql_request_duration_seconds', help: 'Duration of GraphQL requests, by operation and outcome.' },
  );
  return {
    enabled,
    registry,
    sqlStatements: new Counter({ name: 'wsb_sql_statements_total', help: 'SQL statements sent to the database.', registers }),
    serviceCalls,
    serviceCallSeconds,
    requests,
    requestSeconds,
    circuitState: new Gauge({
      name: 'wsb_circuit_state',
      help: 'Circuit breaker state per target service: 0 closed, 1 half-open, 2 open.',
      labelNames: ['target'],
      registers,
    }),
    circuitTransitions: new Counter({
      name: 'wsb_circuit_transitions_total',
      help: 'Circuit breaker state changes per target service, by the state entered.',
      labelNames: ['target', 'state'],
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'wsb_rate_limit_refusals_total',
      help: 'Requests refused with RATE_LIMITED, by rule.',
      labelNames: ['rule'],
      registers,
    }),
    rateLimitFallbacks: new Counter({
      name: 'wsb_rate_limit_fallbacks_total',
      help: 'Rate-limit checks made by the per-process limiter because Redis was unavailable, by rule.',
      labelNames: ['rule'],
      registers,
    }),
    amqpMessages: new Counter({
      name: 'wsb_amqp_messages_total',
      help: 'Messages consumed from RabbitMQ, by queue and outcome (ok, retry: back after the retry delay, dead_letter: parked).',
      labelNames: ['queue', 'outcome'],
      registers,
    }),
  };
}

/** Each label combination's child, made once: `labels()` hashes its arguments on every call. */
export function labelled<C>(metric: { labels(...values: string[]): C }): (...values: string[]) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = metric.labels(...values);
      children.set(key, child);
    }
    return child;
  };
}

const KNOWN_ERROR_CODES = new Set<string>([...ERROR_CODES, ...REQUEST_ERROR_CODES]);

/** An outcome label: a known error code as is, anything else "error". */
export function outcomeOf(code: unknown): string {
  return typeof code === 'string' && KNOWN_ERROR_CODES.has(code) ? code : 'error';
}

/** Counts every statement the ORM's connection pool runs, transactions' included, for the process and for the request that ran it. */
export function countSqlStatements(orm: MikroORM, metrics: Metrics): void {
  orm.em
    .getConnection()
    .getKnex()
    .on('query', () => {
      if (metrics.enabled) metrics.sqlStatements.inc();
      const request = currentRequest();
      if (request) request.sql += 1;
    });
}

/** The same client, with each call counted and timed by target and outcome. */
export function countedServiceClient(client: ServiceClient, metrics: Metrics): ServiceClient {
  if (!metrics.enabled) return client;
  const calls = labelled(metrics.serviceCalls);
  const seconds = labelled(metrics.serviceCallSeconds);
  const record = (target: string, outcome: string, started: number) => {
    calls(target, outcome).inc();
    seconds(target, outcome).observe((performance.now() - started) / 1000);
  };
  return {
    ...client,
    async request(service: ServiceName, ...rest: any[]) {
      const started = performance.now();
      try {
        const result = await (client.request as (...args: any[]) => Promise<unknown>)(service, ...rest);
        record(service, 'ok', started);
        return result as never;
      } catch (err) {
        record(service, outcomeOf((err as { code?: unknown })?.code), started);
        throw err;
      }
    },
  } as ServiceClient;
}

/**
 * The ORM's connection pool (knex's tarn pool under MikroORM's postgresql driver), read when
 * Prometheus scrapes: connections in use and idle, callers waiting for one, and the maximum.
 */
export function observeDbPool(orm: MikroORM, metrics: Metrics): void {
  const pool = () => (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
  const registers = [metrics.registry];
  new Gauge({
    name: 'wsb_db_pool_connections',
    help: 'Database connections in the pool, by state (used, free).',
    labelNames: ['state'],
    registers,
    collect() {
      const p = pool();
      this.set({ state: 'used' }, p?.numUsed() ?? 0);
      this.set({ state: 'free' }, p?.numFree() ?? 0);
    },
  });
  new Gauge({
    name: 'wsb_db_pool_pending_acquires',
    help: 'Callers waiting for a database connection from the pool.',
    registers,
    collect() {
      this.set(pool()?.numPendingAcquires() ?? 0);
    },
  });
  new Gauge({
    name: 'wsb_db_pool_max',
    help: 'Most database connections the pool opens.',
    registers,
    collect() {
      this.set(pool()?.max ?? 0);
    },
  });
}

interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * Gauges read together when Prometheus scrapes, by one call to `read` (a cheap query, say) shared
 * by all of them; nothing is kept up to date in between. A failed read is logged and leaves the
 * gauges at their last values, so one slow dependency never fails the whole scrape.
 */
export function gaugesOnScrape<K extends string>(
  metrics: Metrics,
  gauges: Record<K, { name: string; help: string }>,
  read: () => Promise<Record<K, number>>,
  log: Logger,
): void {
  let reading: Promise<Record<K, number> | undefined> | undefined;
  const shared = () =>
    (reading ??= read()
      .catch((err) => void log.warn('metrics read failed', { err: (err as Error).message }))
      .finally(() => (reading = undefined)));
  for (const [key, { name, help }] of Object.entries(gauges) as [K, { name: string; help: string }][]) {
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      async collect() {
        const values = await shared();
        if (values) this.set(values[key]);
      },
    });
  }
}

const rootFields = new WeakMap<OperationDefinitionNode, string>();

/** The operation's one root field (meta fields aside), "multiple" or "other"; cached per parsed document. */
export function rootFieldOf(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return 'other';
  let name = rootFields.get(operation);
  if (name === undefined) {
    const fields = new Set<string>();
    let other = false;
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) other = true;
      else if (!selection.name.value.startsWith('__')) fields.add(selection.name.value);
    }
    name = other || fields.size > 1 ? 'multiple' : fields.size === 1 ? [...fields][0]! : 'other';
    rootFields.set(operation, name);
  }
  return name;
}
