/**
 * The kernel's metrics, piece by piece: calls between services and the circuit breaker against a
 * real HTTP server, the request plugin on a real Apollo server, the pool gauges on a real
 * PostgreSQL pool, and gauges read once per scrape.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { GraphQLError, parse } from 'graphql';
import { EnvReader, readPlatformConfig } from '../src/config';
import { BookingConflictError, formatClientError } from '../src/errors';
import { createLogger, flushLogs } from '../src/logger';
import { countedServiceClient, createMetrics, gaugesOnScrape, observeDbPool, rootFieldOf } from '../src/metrics';
import { requestMetrics, requestObserver } from '../src/request-observer';
import { createORM } from '../src/orm';
import { createServiceClient } from '../src/service-client';
import { listenLocally, metricValue, waitFor } from '../src/testing';

const log = createLogger({ service: 'test' }, 'error');
const OK: TypedDocumentNode<{ ok: boolean }, Record<string, never>> = parse('{ ok }');

describe('calls between services and their circuit breaker', () => {
  let mode: 'ok' | 'fail' | 'not-found' = 'ok';
  let server: Awaited<ReturnType<typeof listenLocally>>;
  let url: string;
  beforeAll(async () => {
    server = await listenLocally((_req, res) => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (mode === 'fail') return json(500, { errors: [{ message: 'boom' }] });
      if (mode === 'not-found') return json(200, { errors: [{ message: 'No such thing.', extensions: { code: 'NOT_FOUND' } }] });
      return json(200, { data: { ok: true } });
    });
    url = server.url;
  });
  afterAll(() => server.close());

  it('counts and times calls by target and outcome, and follows the circuit through open, half-open and closed', async () => {
    const metrics = createMetrics('booking');
    const config = readPlatformConfig(
      new EnvReader({ PAYMENT_SERVICE_URL: url, CIRCUIT_BREAKER_THRESHOLD: '2', CIRCUIT_BREAKER_RESET_MS: '200', SERVICE_TIMEOUT_MS: '20000' }),
    );
    const client = countedServiceClient(createServiceClient(config, 'booking', log, metrics), metrics);
    const call = () =>
      client.request('payment', OK, {}).then(
        () => 'ok',
        (e) => e.code,
      );
    const state = () => metricValue(metrics.circuitState, { target: 'payment' });
    const transitions = (to: string) => metricValue(metrics.circuitTransitions, { target: 'payment', state: to });

    expect(await call()).toBe('ok');
    expect(await state()).toBe(0);
    mode = 'not-found';
    expect(await call()).toBe('NOT_FOUND');
    mode = 'fail';
    expect([await call(), await call()]).toEqual(['DEPENDENCY_UNAVAILABLE', 'DEPENDENCY_UNAVAILABLE']);
    expect(await state()).toBe(2);
    expect(await call()).toBe('DEPENDENCY_UNAVAILABLE'); // failing fast, counted all the same
    mode = 'ok';
    await new Promise((r) => setTimeout(r, 250));
    expect(await call()).toBe('ok'); // the half-open probe closes it
    expect(await state()).toBe(0);
    expect([await transitions('open'), await transitions('half-open'), await transitions('closed')]).toEqual([1, 1, 1]);

    const calls = (outcome: string) => metricValue(metrics.serviceCalls, { target: 'payment', outcome });
    expect([await calls('ok'), await calls('NOT_FOUND'), await calls('DEPENDENCY_UNAVAILABLE')]).toEqual([2, 1, 3]);
    const timed = (outcome: string) => metricValue(metrics.serviceCallSeconds, { target: 'payment', outcome }, 'wsb_service_call_duration_seconds_count');
    expect([await timed('ok'), await timed('NOT_FOUND'), await timed('DEPENDENCY_UNAVAILABLE')]).toEqual([2, 1, 3]);
  });
});

describe('requestMetrics', () => {
  const typeDefs = `type Query { booking: String, workspace: String, broken: String, odd: String }`;
  const resolvers = {
    Query: {
      booking: () => 'b',
      workspace: () => 'w',
      broken: () => {
        throw new GraphQLError('Not there.', { extensions: { code: 'NOT_FOUND' } });
      },
      odd: () => {
        throw new GraphQLError('Odd.', { extensions: { code: 'SOMETHING_A_CLIENT_MADE_UP' } });
      },
    },
  };

  it('counts and times requests by root field and outcome, with names from the schema only', async () => {
    const metrics = createMetrics('test');
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [requestMetrics(metrics)] });
    await server.start();
    const run = (query: string, operationName?: string) => server.executeOperation({ query, operationName });
    await run('query Mine { booking }');
    await run('query Yours { b: booking __typename }'); // an alias and a meta field: still booking
    await run('{ booking workspace }');
    await run('{ broken }');
    await run('{ odd }');
    await run('{ nosuchfield }'); // fails validation: no operation, whatever the client typed
    await run('query A { booking } query B { workspace }'); // no operation chosen
    await run('{ ...on Query { booking } }');
    await server.stop();

    const count = (operation: string, outcome: string) => metricValue(metrics.requests, { operation, outcome });
    expect(await count('booking', 'ok')).toBe(2);
    expect(await count('multiple', 'ok')).toBe(2);
    expect(await count('broken', 'NOT_FOUND')).toBe(1);
    expect(await count('odd', 'error')).toBe(1);
    expect(await count('other', 'GRAPHQL_VALIDATION_FAILED')).toBe(1);
    expect(await count('other', 'OPERATION_RESOLUTION_FAILURE')).toBe(1);
    const { values } = await metrics.requests.get();
    expect(values.map((v) => v.labels.operation).sort()).toEqual(['booking', 'broken', 'multiple', 'odd', 'other', 'other']);
    expect(await metricValue(metrics.requestSeconds, { operation: 'booking', outcome: 'ok' }, 'wsb_graphql_request_duration_seconds_count')).toBe(2);
    expect(await metricValue(metrics.requestSeconds, { operation: 'booking', outcome: 'ok' }, 'wsb_graphql_request_duration_seconds_sum')).toBeGreaterThan(0);
  });

  it('names an operation by its one root field', () => {
    const op = (text: string) => parse(text).definitions[0] as never;
    expect(rootFieldOf(op('mutation CreateIt { createBooking(input: {}) { id } }'))).toBe('createBooking');
    expect(rootFieldOf(op('{ __typename }'))).toBe('other');
    expect(rootFieldOf(op('{ a b }'))).toBe('multiple');
    expect(rootFieldOf(undefined)).toBe('other');
  });
});

describe('requestObserver', () => {
  it('counts, times and logs each request from one plugin, whose hooks Apollo calls once per request', async () => {
    const metrics = createMetrics('test');
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ service: 'test' }, 'info', { write: (line: string) => void lines.push(JSON.parse(line)) } as never);
    const plugin = requestObserver<{ who: string }>({ metrics, describe: (ctx) => ({ log, fields: { userId: ctx.who } }) });
    const server = new ApolloServer<{ who: string }>({
      typeDefs: 'type Query { booking: String, broken: String }',
      resolvers: {
        Query: {
          booking: () => 'b',
          broken: () => {
            throw new GraphQLError('Not there.', { extensions: { code: 'NOT_FOUND' } });
          },
        },
      },
      plugins: [plugin],
    });
    await server.start();
    await server.executeOperation({ query: 'query Mine { booking }', operationName: 'Mine' }, { contextValue: { who: 'u-1' } });
    await server.executeOperation({ query: '{ broken }' }, { contextValue: { who: 'u-2' } });
    await server.stop();
    flushLogs();

    expect(await metricValue(metrics.requests, { operation: 'booking', outcome: 'ok' })).toBe(1);
    expect(await metricValue(metrics.requests, { operation: 'broken', outcome: 'NOT_FOUND' })).toBe(1);
    expect(await metricValue(metrics.requestSeconds, { operation: 'broken', outcome: 'NOT_FOUND' }, 'wsb_graphql_request_duration_seconds_count')).toBe(1);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({ operation: 'Mine', userId: 'u-1', ms: expect.any(Number) }),
      expect.objectContaining({ operation: null, userId: 'u-2', errors: ['NOT_FOUND'] }),
    ]);
    expect(requests[0]).not.toHaveProperty('errors');
  });

  it('counts a domain error thrown by a resolver under its code, which only formatError sets on the error sent', async () => {
    const metrics = createMetrics('test');
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ service: 'test' }, 'info', { write: (line: string) => void lines.push(JSON.parse(line)) } as never);
    const server = new ApolloServer<{ who: string }>({
      typeDefs: 'type Query { book: String, crash: String }',
      resolvers: {
        Query: {
          book: () => {
            throw new BookingConflictError();
          },
          crash: () => {
            throw new Error('SELECT 1 failed');
          },
        },
      },
      formatError: (formatted, error) => formatClientError(formatted, error, () => undefined),
      plugins: [requestObserver<{ who: string }>({ metrics, describe: (ctx) => ({ log, fields: { userId: ctx.who } }) })],
    });
    await server.start();
    await server.executeOperation({ query: '{ book }' }, { contextValue: { who: 'u-1' } });
    await server.executeOperation({ query: '{ crash }' }, { contextValue: { who: 'u-1' } });
    await server.stop();
    flushLogs();

    expect(await metricValue(metrics.requests, { operation: 'book', outcome: 'BOOKING_CONFLICT' })).toBe(1);
    expect(await metricValue(metrics.requests, { operation: 'book', outcome: 'error' })).toBeUndefined();
    expect(await metricValue(metrics.requests, { operation: 'crash', outcome: 'INTERNAL_SERVER_ERROR' })).toBe(1);
    expect(lines.filter((l) => l.msg === 'request').map((l) => l.errors)).toEqual([['BOOKING_CONFLICT'], ['INTERNAL_SERVER_ERROR']]);
  });

  it('adds no hooks at all with metrics off and no line to write', () => {
    expect(requestObserver({ metrics: createMetrics('test', { enabled: false }) })).toEqual({});
    expect(requestObserver({})).toEqual({});
  });
});

describe('gaugesOnScrape', () => {
  it('reads once per scrape for all its gauges, and a failed read keeps the last values without failing the scrape', async () => {
    const metrics = createMetrics('test');
    let reads = 0;
    let fail = false;
    gaugesOnScrape(
      metrics,
      { a: { name: 'test_a', help: 'a' }, b: { name: 'test_b', help: 'b' } },
      async () => {
        reads++;
        if (fail) throw new Error('database down');
        return { a: reads, b: reads * 10 };
      },
      log,
    );
    expect(await metrics.registry.metrics()).toMatch(/^test_a\{service="test"\} 1$[\s\S]*^test_b\{service="test"\} 10$/m);
    expect(await metrics.registry.metrics()).toMatch(/^test_a\{service="test"\} 2$[\s\S]*^test_b\{service="test"\} 20$/m);
    fail = true;
    expect(await metrics.registry.metrics()).toMatch(/^test_a\{service="test"\} 2$[\s\S]*^test_b\{service="test"\} 20$/m);
    expect(reads).toBe(3);
  });
});

describe('observeDbPool', () => {
  it('shows connections in use, idle and waited for, from the ORM pool', async () => {
    const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const orm = await createORM({ databaseUrl, entities: [], migrations: [], overrides: { pool: { min: 0, max: 2 } } });
    const metrics = createMetrics('test');
    observeDbPool(orm, metrics);
    const gauge = (name: string) => metrics.registry.getSingleMetric(name) as Parameters<typeof metricValue>[0];
    const pool = async () => ({
      used: await metricValue(gauge('wsb_db_pool_connections'), { state: 'used' }),
      free: await metricValue(gauge('wsb_db_pool_connections'), { state: 'free' }),
      pending: await metricValue(gauge('wsb_db_pool_pending_acquires')),
      max: await metricValue(gauge('wsb_db_pool_max')),
    });
    try {
      const knex = orm.em.getConnection().getKnex();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      // Two transactions hold both connections; a third query waits for one.
      const holders = [0, 1].map(() =>
        knex.transaction(async (trx) => {
          await trx.raw('select 1');
          await held;
        }),
      );
      await waitFor(async () => (await pool()).used === 2);
      const waiting = knex.raw('select 1').then(() => 'ran'); // a knex query runs once awaited
      const during = await waitFor(async () => {
        const now = await pool();
        return now.pending === 1 && now;
      }).finally(release);
      expect(during).toEqual({ used: 2, free: 0, pending: 1, max: 2 });
      await Promise.all([...holders, waiting]);
      expect(await pool()).toEqual({ used: 0, free: 2, pending: 0, max: 2 });
    } finally {
      await orm.close();
    }
  });
});

describe('an idle process', () => {
  /** Times the main thread went to sleep and was woken (Linux: /proc/<pid>/status). */
  const wakeups = (pid: number) => Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

  it('is not woken a hundred times a second by the event-loop delay sampling of its metrics', async () => {
    const script = `require('./packages/kernel/src/metrics.ts').createMetrics('probe'); setInterval(() => {}, 1 << 30); console.log('ready');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 500));
      const pid = child.pid!;
      const before = wakeups(pid);
      await new Promise((r) => setTimeout(r, 2000));
      // prom-client's default (a sample every 10 ms) gives about 200 in these 2 s; every 100 ms, about 20.
      expect(wakeups(pid) - before).toBeLessThan(60);
    } finally {
      child.kill();
    }
  });
});
