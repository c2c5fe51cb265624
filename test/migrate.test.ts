/** npm run migrate creates and migrates every subgraph's database without starting a server, and is idempotent. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { databaseName } from '../packages/kernel/src/services';
import { ROOT, SUBGRAPHS } from './support/platform';

const run = promisify(execFile);
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `wsb_migrate_${randomBytes(3).toString('hex')}`;

async function migrationsIn(database: string): Promise<string[]> {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  for (const name of SUBGRAPHS) await admin.query(`drop database if exists "${databaseName(name, prefix)}" with (force)`);
  await admin.end();
});

it('migrates every subgraph database, twice without change', async () => {
  const env = { ...process.env, DATABASE_URL: SERVER, DB_NAME_PREFIX: prefix, LOG_LEVEL: 'warn' };
  await run(`${ROOT}/node_modules/.bin/tsx`, ['scripts/migrate.ts'], { cwd: ROOT, env, timeout: 120_000 });
  const first = await Promise.all(SUBGRAPHS.map((name) => migrationsIn(databaseName(name, prefix))));
  first.forEach((applied) => expect(applied.length).toBeGreaterThan(0));
  expect(first[SUBGRAPHS.indexOf('booking')]).toContain('Migration20261202000000_outbox_claims');
  await run(`${ROOT}/node_modules/.bin/tsx`, ['scripts/migrate.ts'], { cwd: ROOT, env, timeout: 120_000 });
  expect(await Promise.all(SUBGRAPHS.map((name) => migrationsIn(databaseName(name, prefix))))).toEqual(first);
}, 180_000);

it('refuses an unknown subgraph by name', async () => {
  await expect(run(`${ROOT}/node_modules/.bin/tsx`, ['scripts/migrate.ts', 'nope'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: SERVER, DB_NAME_PREFIX: prefix } })).rejects.toMatchObject({
    stderr: expect.stringContaining('unknown subgraph(s): nope'),
  });
});
