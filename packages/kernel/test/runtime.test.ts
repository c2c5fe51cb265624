/**
 * The subgraph runtime: services declared once on the definition are started in declaration order
 * after the migrations, asked in /ready (503 naming the failing one), stopped in reverse order on
 * shutdown, and a service that cannot start fails start-up with its name in the error.
 * Against the machine's PostgreSQL (DATABASE_URL), each app on a fresh database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { allow } from 'graphql-shield';
import type { Service } from '../src/runtime';
import { createHttpApp, startSubgraph, type ServiceHost, type SubgraphDefinition } from '../src/subgraph';
import { initTestApp } from '../src/testing';

const schemaPath = join(mkdtempSync(join(tmpdir(), 'wsb-runtime-')), 'schema.graphql');
writeFileSync(schemaPath, 'type Query { startedServices: [String!]! }\n');

/** A service that writes each hook it runs into `events`, as `<name>.<hook>`; `fail` makes a hook throw. */
function recorded(name: string, events: string[], fail: { start?: boolean; ready?: boolean } = {}, onStop?: () => Promise<void>) {
  return {
    started: false,
    async start() {
      events.push(`${name}.start`);
      if (fail.start) throw new Error(`${name} cannot reach its server`);
      this.started = true;
    },
    async stop() {
      events.push(`${name}.stop`);
      await onStop?.();
      this.started = false;
    },
    async ready() {
      if (fail.ready) throw new Error(`${name} is catching up`);
    },
  } satisfies Service & { started: boolean };
}

function definition(events: string[], fail: Record<string, { start?: boolean; ready?: boolean }> = {}) {
  const services = (app: ServiceHost) => ({
    // The last to stop still has the database (its pool closes after the services).
    first: recorded('first', events, fail.first, async () => {
      const [row] = await app.orm.em.getConnection().execute('select 1 as one');
      events.push(`database open: ${row.one === 1}`);
    }),
    second: recorded('second', events, fail.second),
    third: recorded('third', events, fail.third),
  });
  const def: SubgraphDefinition<unknown, any, ReturnType<typeof services>> = {
    name: 'reporting',
    schemaPath,
    // Resolvers reach the services through the context.
    resolvers: { Query: { startedServices: (_p: unknown, _a: unknown, ctx: any) => Object.keys(ctx.services).filter((k) => ctx.services[k].started) } },
    permissions: { Query: { startedServices: allow } },
    entities: [],
    migrations: [],
    services,
  };
  return def;
}

async function getReady(listener: http.RequestListener): Promise<number> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`);
    return res.status;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the subgraph runtime', () => {
  it('starts the services in declaration order and resolvers reach them through ctx.services', async () => {
    const events: string[] = [];
    const app = await initTestApp(definition(events));
    try {
      expect(events).toEqual(['first.start', 'second.start', 'third.start']);
      const { data, errors } = await app.run('{ startedServices }');
      expect(errors).toBeUndefined();
      expect(data.startedServices).toEqual(['first', 'second', 'third']);
    } finally {
      await app.close();
    }
  });

  it('stops them in reverse order on close', async () => {
    const events: string[] = [];
    const app = await initTestApp(definition(events));
    events.length = 0;
    await app.close();
    expect(events).toEqual(['third.stop', 'second.stop', 'first.stop', 'database open: true']);
  });

  it('answers /ready 200 when every service is ready, 503 naming the one that is not', async () => {
    const fail = { second: { ready: false } };
    const app = await initTestApp(definition([], fail));
    const warnings: unknown[] = [];
    const warn = app.log.warn.bind(app.log);
    app.log.warn = (msg: string, fields?: Record<string, unknown>) => {
      warnings.push({ msg, ...fields });
      warn(msg, fields);
    };
    try {
      expect(await getReady(createHttpApp(app))).toBe(200);
      fail.second.ready = true;
      expect(await getReady(createHttpApp(app))).toBe(503);
      expect(warnings).toEqual([{ msg: 'not ready', component: 'second', err: 'service "second" is not ready: second is catching up' }]);
      await expect(app.ready()).rejects.toThrow('service "second" is not ready: second is catching up');
    } finally {
      await app.close();
    }
  });

  it('opens the broker only for a service that asks for it, and /ready names it while it is not connected', async () => {
    // Nothing listens on port 1: the connection keeps retrying in the background.
    const env = { AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' };
    // No service asked: no connection, so nothing for /ready to wait for.
    const withoutBroker = await initTestApp(definition([]), { env });
    try {
      await expect(withoutBroker.ready()).resolves.toBeUndefined();
    } finally {
      await withoutBroker.close();
    }
    const def = definition([]);
    const declared = def.services!;
    let opened: unknown;
    def.services = (app) => {
      opened = app.broker();
      return declared(app);
    };
    const withBroker = await initTestApp(def, { env });
    try {
      expect(opened).toBe(withBroker.broker()); // one connection per process, whoever asks
      await expect(withBroker.ready()).rejects.toThrow('service "broker" is not ready: not connected to the message broker');
    } finally {
      await withBroker.close();
    }
  });

  it('opens at most DB_POOL_MAX connections to its database (10 unless set), and refuses a value that is not a positive number', async () => {
    const pool = (app: { orm: MikroORM }) => (app.orm.em.getConnection().getKnex().client as { pool: { max: number } }).pool.max;
    const byDefault = await initTestApp(definition([]));
    const three = await initTestApp(definition([]), { env: { DB_POOL_MAX: '3' } });
    try {
      expect(pool(byDefault)).toBe(10);
      expect(pool(three)).toBe(3);
    } finally {
      await byDefault.close();
      await three.close();
    }
    await expect(initTestApp(definition([]), { env: { DB_POOL_MAX: '0' } })).rejects.toThrow(/DB_POOL_MAX/);
  });

  it('fails start-up with the service named when its start throws, and stops those already started', async () => {
    const events: string[] = [];
    await expect(initTestApp(definition(events, { second: { start: true } }))).rejects.toThrow(
      'service "second" failed to start: second cannot reach its server',
    );
    expect(events).toEqual(['first.start', 'second.start', 'first.stop', 'database open: true']);
  });

  it('stops the services in reverse order on shutdown (startSubgraph), before the database pool closes', async () => {
    const events: string[] = [];
    const prefix = `wsb_test_rt${randomBytes(4).toString('hex')}`;
    const saved = { ...process.env };
    Object.assign(process.env, { DB_NAME_PREFIX: prefix, PORT: '0', HOST: '127.0.0.1', AMQP_URL: '', LOG_LEVEL: 'error' });
    try {
      const running = await startSubgraph(definition(events));
      expect(events).toEqual(['first.start', 'second.start', 'third.start']);
      await running.close();
      expect(events).toEqual(['first.start', 'second.start', 'third.start', 'third.stop', 'second.stop', 'first.stop', 'database open: true']);
    } finally {
      process.env = saved;
      const admin = await MikroORM.init({
        clientUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        entities: [],
        discovery: { warnWhenNoEntities: false },
        allowGlobalContext: true,
      });
      await admin.em.getConnection().execute(`drop database if exists "${prefix}_reporting" with (force)`);
      await admin.close();
    }
  });
});
