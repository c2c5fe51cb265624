/** npm run migrate creates and migrates every subgraph's database without starting a server, and is idempotent. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createORM, type ServiceName } from '@wsb/kernel';
import { Client } from 'pg';
import { databaseName } from '../packages/kernel/src/services';
import { subgraphDefinition } from '../scripts/subgraph-definitions';
import { ROOT, SUBGRAPHS } from './support/platform';

const run = promisify(execFile);
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `wsb_migrate_${randomBytes(3).toString('hex')}`;

function urlOf(database: string): string {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  return url.toString();
}

async function query<T>(database: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: urlOf(database) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const migrationsIn = async (database: string) =>
  (await query<{ name: string }>(database, 'select name from mikro_orm_migrations order by id')).map((r) => r.name);

/** The tables of a subgraph's entities, as MikroORM names them, and which of them its database has. */
async function entityTables(name: ServiceName): Promise<{ expected: string[]; present: string[] }> {
  const { entities, migrations } = subgraphDefinition(name);
  const orm = await createORM({ databaseUrl: urlOf(`${prefix}_${name}`), entities, migrations });
  try {
    const expected = Object.values(orm.getMetadata().getAll())
      .filter((meta) => !meta.embeddable && !meta.virtual && !meta.abstract)
      .map((meta) => meta.tableName)
      .sort();
    const rows = await query<{ table_name: string }>(`${prefix}_${name}`, "select table_name from information_schema.tables where table_schema = 'public'");
    const tables = new Set(rows.map((row) => row.table_name));
    return { expected, present: expected.filter((table) => tables.has(table)) };
  } finally {
    await orm.close();
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
  for (const name of SUBGRAPHS) {
    const { expected, present } = await entityTables(name);
    expect(expected.length).toBeGreaterThan(0);
    expect({ name, tables: present }).toEqual({ name, tables: expected });
  }
  await run(`${ROOT}/node_modules/.bin/tsx`, ['scripts/migrate.ts'], { cwd: ROOT, env, timeout: 120_000 });
  expect(await Promise.all(SUBGRAPHS.map((name) => migrationsIn(databaseName(name, prefix))))).toEqual(first);
}, 180_000);

it('refuses an unknown subgraph by name', async () => {
  await expect(
    run(`${ROOT}/node_modules/.bin/tsx`, ['scripts/migrate.ts', 'nope'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: SERVER, DB_NAME_PREFIX: prefix } }),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining('unknown subgraph(s): nope'),
  });
});
