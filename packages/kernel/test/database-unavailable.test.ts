/**
 * The errors the real driver raises when the database goes away map to DEPENDENCY_UNAVAILABLE (a
 * retry may succeed), never to an internal error, and say nothing about SQL or the driver.
 * Against the machine's PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { DatabaseUnavailableError, formatClientError, isDatabaseUnavailable, toDomainError } from '../src/errors';
import { createORM } from '../src/orm';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function failureOf(orm: MikroORM, sql: string): Promise<unknown> {
  try {
    await orm.em.getConnection().execute(sql);
  } catch (err) {
    return err;
  }
  throw new Error(`${sql} did not fail`);
}

function clientSees(err: unknown) {
  const logged: unknown[] = [];
  const out = formatClientError({ message: 'raw' }, new GraphQLError('raw', { originalError: err as Error }), (e) => logged.push(e));
  return { out, logged };
}

describe('database unavailable', () => {
  it('maps a refused connection (nothing listening) to DEPENDENCY_UNAVAILABLE', async () => {
    const url = new URL(serverUrl);
    url.port = '1';
    const orm = await createORM({ databaseUrl: url.toString(), entities: [], migrations: [], overrides: { pool: { min: 0, max: 1 }, connect: false } });
    try {
      const err = await failureOf(orm, 'select 1');
      expect(toDomainError(err)).toBeInstanceOf(DatabaseUnavailableError);
      const { out, logged } = clientSees(err);
      expect(out).toEqual({
        message: 'The database is unavailable; please try again shortly.',
        extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'database' },
      });
      expect(logged).toEqual([]);
    } finally {
      await orm.close(true);
    }
  });

  it('maps a connection the server terminated (SQLSTATE 57P01, as in a restart) and keeps real SQL errors internal', async () => {
    const orm = await createORM({ databaseUrl: serverUrl, entities: [], migrations: [], overrides: { pool: { min: 0, max: 1 } } });
    try {
      const terminated = await failureOf(orm, 'select pg_terminate_backend(pg_backend_pid())');
      expect((terminated as { code?: string }).code).toBe('57P01');
      expect(clientSees(terminated).out.extensions?.code).toBe('DEPENDENCY_UNAVAILABLE');
      // Once the server's close has arrived, the pool replaces the dead connection: the next statement runs.
      await new Promise((r) => setTimeout(r, 100));
      expect(await orm.em.getConnection().execute('select 1 as one')).toEqual([{ one: 1 }]);
      const missing = await failureOf(orm, 'select * from no_such_table');
      expect(isDatabaseUnavailable(missing)).toBe(false);
      const { out, logged } = clientSees(missing);
      expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(logged).toHaveLength(1);
    } finally {
      await orm.close(true);
    }
  });

  it('recognises a starting server, a dropped connection and a starved pool by their codes and messages', () => {
    const cases: unknown[] = [
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new Error('Connection terminated unexpectedly'),
      new Error('insert into "booking" ("id") values (\'1\') - Client has encountered a connection error and is not queryable'),
      new Error('Transaction query already complete, run with DEBUG=knex:tx for more info'),
      new Error('Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?'),
      new Error('outer', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' }) }),
    ];
    for (const err of cases) expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('select "Connection terminated" as text - syntax error'))).toBe(false);
  });
});
