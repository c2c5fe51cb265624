/**
 * initTestApp: a subgraph on a fresh, migrated database of its own, for resolver tests. Each call
 * gets a uniquely named database (dropped again by close), so test files can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import { SignJWT } from 'jose';
import type { Channel } from 'amqplib';
import { loadAmqplib, type Broker } from './amqp';
import type { ServiceKey, SubgraphConfig } from './config';
import type { Identity, Role } from './identity';
import type { DocumentNode } from 'graphql';
import { operationText, type CallOptions, type ServiceClient } from './service-client';
import type { Services } from './runtime';
import { serviceEntry } from './services';
import { createSubgraph, type SubgraphApp, type SubgraphDefinition } from './subgraph';

export interface TestApp<L, C extends SubgraphConfig, S extends Services = Services> extends SubgraphApp<L, C, S> {
  /** Runs an operation and returns its data and errors (single result). */
  run<T = any>(query: string, variables?: Record<string, unknown>, identity?: Identity): Promise<{ data?: T; errors?: any[] }>;
  /** Closes the app (services stopped in reverse order) and drops its database. */
  close(): Promise<void>;
}

export const asGateway = (user?: { id: string; role?: Role }): Identity => ({
  caller: 'gateway',
  user: user ? { id: user.id, role: user.role ?? 'MEMBER' } : undefined,
});
export const asService = (caller: string): Identity => ({ caller });

export async function initTestApp<L, C extends SubgraphConfig, S extends Services = Services>(
  def: SubgraphDefinition<L, C, S>,
  options: { subgraphs?: ServiceClient; config?: Partial<C>; env?: Record<string, string> } = {},
): Promise<TestApp<L, C, S>> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `wsb_test_${def.name}_${randomBytes(4).toString('hex')}`;
  const url = new URL(server);
  url.pathname = `/${dbName}`;
  const app = await createSubgraph(def, {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      [serviceEntry(def.name).databaseUrlEnv!]: url.toString(),
      // Rate-limit counters of one test app never meet another's (Redis outlives test runs).
      RATE_LIMIT_KEY_PREFIX: dbName,
      // No broker unless a test asks for one (with its own AMQP_PREFIX): CI exports AMQP_URL for the
      // end-to-end tests, and a resolver test must never consume a real platform's queues.
      AMQP_URL: '',
      ...options.env,
    },
    config: options.config,
    subgraphs: options.subgraphs,
  }).catch(async (err) => {
    // A subgraph that failed to start leaves no database behind.
    await dropDatabase(server, dbName);
    throw err;
  });
  return {
    ...app,
    async run(query, variables, identity = asGateway()) {
      const response = await app.execute(query, variables, identity);
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as { data?: any; errors?: any[] };
    },
    async close() {
      await app.close();
      await dropDatabase(server, dbName);
    },
  };
}

async function dropDatabase(serverUrl: string, dbName: string): Promise<void> {
  const admin = await MikroORM.init({ clientUrl: serverUrl, entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
  try {
    await admin.em.getConnection().execute(`drop database if exists "${dbName}" with (force)`);
  } finally {
    await admin.close();
  }
}

/**
 * A ServiceClient stub: answers from handlers keyed by service, records every call. Handlers get
 * the operation as the other subgraph would (its text), so they can tell operations apart.
 */
export function stubServices(handlers: Partial<Record<string, (query: string, variables: Record<string, unknown>) => unknown>>) {
  const calls: { service: string; query: string; variables: Record<string, unknown>; options: CallOptions }[] = [];
  const client: ServiceClient = {
    async request<T>(service: string, document: DocumentNode, variables: Record<string, unknown>, options: CallOptions = {}) {
      const query = operationText(document);
      calls.push({ service, query, variables, options });
      const handler = handlers[service];
      if (!handler) throw new Error(`no stub for service ${service}`);
      return (await handler(query, variables)) as T;
    },
  };
  return { client, calls };
}

/** A service token signed with a real key that expired ten minutes ago (for refusal tests). */
export async function expiredServiceToken(identity: Identity, keys: ServiceKey[]): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = identity.user ? { usr: identity.user.id, rol: identity.user.role } : {};
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: keys[0].kid })
    .setSubject(identity.caller)
    .setIssuer(identity.caller)
    .setAudience('wsb-subgraph')
    .setIssuedAt(now - 660)
    .setExpirationTime(now - 600)
    .sign(keys[0].secret);
}

/**
 * The one way tests wait: polls `check` until it returns a truthy value, and returns it; throws
 * after `timeoutMs`. It polls after 20 ms at first and backs off to every 200 ms, so a quick
 * in-process condition is seen at once and a slow end-to-end one doesn't flood the platform.
 */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let interval = 20; ; interval = Math.min(interval * 2, 200)) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The current value of one series of a prom-client metric (labels matched exactly); undefined when it has none. */
export async function metricValue(
  metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number; metricName?: string }[] }> },
  labels: Record<string, string> = {},
  metricName?: string,
): Promise<number | undefined> {
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  return values.find(
    (v) =>
      (metricName === undefined || v.metricName === metricName) &&
      Object.keys(v.labels).length === wanted.length &&
      wanted.every(([k, x]) => v.labels[k] === x),
  )?.value;
}

/** Resolves once `broker` is connected (topology declared, consumers running); rejects after timeoutMs. */
export async function whenConnected(broker: Broker, timeoutMs = 10_000): Promise<void> {
  if (broker.connected) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected to the broker within ${timeoutMs} ms`)), timeoutMs);
    broker.onConnected(() => {
      clearTimeout(timer);
      resolve();
    });
    broker.start();
  });
}

/** Drops `broker`'s TCP connection without a goodbye, as a network failure or a broker crash would. */
export function dropConnection(broker: Broker): void {
  // The connection is the broker's private state: only a test has reason to reach in and break it.
  const connection = broker['model']?.connection as unknown as { stream?: { destroy(err: Error): void } } | undefined;
  connection?.stream?.destroy(new Error('connection dropped (simulated)'));
}

/** An HTTP server on a free loopback port, for tests: its URL, and a close that drops kept-alive connections too. */
export async function listenLocally(listener: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Rate limits raised out of the way, for a platform loaded from one address by tests of other things (and the chaos harness). */
export const RAISED_RATE_LIMITS = {
  RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTH_PER_IP: '100000',
  RATE_LIMIT_AUTH_PER_EMAIL: '100000',
} as const;

/** Waits until the app is ready as its /ready sees it (the database, every service, the broker). */
export function untilReady(app: { ready(): Promise<unknown> }, timeoutMs = 5000): Promise<true> {
  return waitFor(
    () =>
      app.ready().then(
        () => true as const,
        () => undefined,
      ),
    timeoutMs,
  );
}

/** A channel of a test's own on the real broker, to look into (and publish to) the names under its AMQP_PREFIX. */
export interface BrokerInspector {
  channel: Channel;
  /** Deletes the queues (each with its .retry and .dead companions) and the exchange, then disconnects. */
  close(): Promise<void>;
}

/** Connects to the broker at url for a test whose app uses AMQP_PREFIX prefix; queues and exchange are logical names. */
export async function inspectBroker(url: string, prefix: string, names: { exchange: string; queues: string[] }): Promise<BrokerInspector> {
  const model = await loadAmqplib().connect(url);
  const channel = await model.createChannel();
  return {
    channel,
    async close() {
      for (const queue of names.queues) {
        for (const suffix of ['', '.retry', '.dead']) await channel.deleteQueue(`${prefix}.${queue}${suffix}`).catch(() => undefined);
      }
      await channel.deleteExchange(`${prefix}.${names.exchange}`).catch(() => undefined);
      await model.close();
    },
  };
}
