/**
 * Each column is declared once, in the entity (MikroORM's defineEntity); the SQL migrations create
 * the tables. After every migration has run, the schema MikroORM derives from the entities must
 * match the database, apart from what the ORM cannot express (listed below with the reason).
 * Drift either way — a column, length, default, index, unique or check in one and not the other —
 * fails here, with the SQL MikroORM would run to close the gap.
 */
import { randomBytes } from 'node:crypto';
import { defineEntity, type MikroORM } from '@mikro-orm/postgresql';
import { createLogger, createORM, prepareDatabase, SERVICE_NAMES, type ServiceName } from '@wsb/kernel';
import { Client } from 'pg';
import { subgraphDefinition } from '../scripts/subgraph-definitions';
import { Workspace } from '../subgraphs/workspace/src/entities/workspace.entity';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `wsb_drift_${randomBytes(3).toString('hex')}`;
const log = createLogger({ service: 'schema-drift' }, 'warn');

/** What the migrations hold that the entities can't say, per subgraph, as the statement MikroORM would emit. */
const INEXPRESSIBLE: Record<ServiceName, { sql: string; why: string }[]> = {
  auth: [
    {
      sql: 'alter table "refresh_token" drop constraint "refresh_token_user_id_fkey";',
      why: 'userId is a plain uuid column (no relation object), so the cascading foreign key lives only in SQL',
    },
  ],
  booking: [{ sql: 'drop index "booking_no_overlap";', why: 'the GiST exclusion constraint that forbids overlapping bookings' }],
  user: [],
  workspace: [],
  payment: [],
  notification: [],
  reporting: [],
  admin: [],
};

const databaseUrl = (name: string) => {
  const url = new URL(SERVER);
  url.pathname = `/${prefix}_${name}`;
  return url.toString();
};

/** The statements MikroORM would run to make the database match `entities`, minus the listed exceptions. */
async function drift(orm: MikroORM, name: ServiceName): Promise<string[]> {
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  const allowed = new Set(INEXPRESSIBLE[name].map((entry) => entry.sql));
  return sql
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !allowed.has(line));
}

async function migrated(name: ServiceName, entities = subgraphDefinition(name).entities): Promise<MikroORM> {
  const orm = await createORM({ databaseUrl: databaseUrl(name), entities, migrations: subgraphDefinition(name).migrations, log });
  await prepareDatabase(orm, log);
  return orm;
}

afterAll(async () => {
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  for (const name of [...SERVICE_NAMES, 'probe']) await admin.query(`drop database if exists "${prefix}_${name}" with (force)`);
  await admin.end();
}, 120_000);

describe.each(SERVICE_NAMES.map((name) => [name]))('%s', (name) => {
  it('entities and migrations declare the same schema', async () => {
    const orm = await migrated(name);
    try {
      expect(await drift(orm, name)).toEqual([]);
      // Each listed exception is still real: one that no longer shows up must leave the list.
      const raw = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
      for (const entry of INEXPRESSIBLE[name]) expect(raw).toContain(entry.sql);
    } finally {
      await orm.close();
    }
  }, 60_000);
});

it('catches drift: a column, a length and a check the migrations do not have', async () => {
  const meta = Workspace.meta;
  const Drifted = defineEntity({
    name: 'Workspace',
    tableName: meta.tableName,
    properties: (p) => ({
      id: p.uuid().primary(),
      name: p.string().length(100), // 200 in the migration
      description: p.text().nullable(),
      kind: p.string().length(20),
      capacity: p.integer(),
      hourlyRateAmount: p.integer(),
      hourlyRateCurrency: p.string().columnType('char(3)'),
      timezone: p.string().length(64),
      active: p.boolean().default(true),
      createdAt: p.datetime(3),
      updatedAt: p.datetime(3),
      floor: p.integer().nullable(), // not in the migration
    }),
    checks: [{ name: 'workspace_floor_check', expression: 'floor >= 0' }],
  });
  const orm = await createORM({ databaseUrl: databaseUrl('probe'), entities: [Drifted], migrations: subgraphDefinition('workspace').migrations, log });
  try {
    await prepareDatabase(orm, log);
    const found = (await drift(orm, 'workspace')).join('\n');
    expect(found).toContain('add column "floor"');
    expect(found).toMatch(/alter column "name" type varchar\(100\)/);
    expect(found).toContain('workspace_floor_check');
    // And the migration's checks the entity no longer declares.
    expect(found).toContain('drop constraint workspace_capacity_check');
  } finally {
    await orm.close();
  }
}, 60_000);
