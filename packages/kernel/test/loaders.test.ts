/**
 * entityLoader against the machine's PostgreSQL (DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres), in a schema of its own: one statement per batch,
 * answers in the order asked with null for unknown ids, entities managed as em.find makes them
 * (typed values, unsaved changes kept), the statement inside the entity manager's transaction,
 * and em.find for an entity with more than plain columns.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { defineEntity, type MikroORM } from '@mikro-orm/postgresql';
import { entityLoader, findIn } from '../src/loaders';
import { createORM } from '../src/orm';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `loaders_${randomBytes(4).toString('hex')}`;

const Desk = defineEntity({
  name: 'Desk',
  schema,
  tableName: 'desk',
  properties: (p) => ({
    id: p.uuid().primary(),
    label: p.string(),
    seats: p.integer(),
    bookedAt: p.datetime(3).nullable(),
  }),
});
/** A formula property: not a plain column, so the loader leaves it to em.find. */
const Room = defineEntity({
  name: 'Room',
  schema,
  tableName: 'room',
  properties: (p) => ({
    id: p.uuid().primary(),
    label: p.string(),
    shout: p.string().formula((alias) => `upper(${alias}.label)`),
  }),
});

let orm: MikroORM;
const statements: string[] = [];
const ids = [randomUUID(), randomUUID(), randomUUID()].sort();

beforeAll(async () => {
  orm = await createORM({
    databaseUrl: serverUrl,
    entities: [Desk, Room],
    migrations: [],
    overrides: { pool: { min: 0, max: 2 }, debug: ['query'], logger: (line: string) => statements.push(line) },
  });
  const sql = orm.em.getConnection();
  await sql.execute(`create schema ${schema}`);
  await sql.execute(`create table ${schema}.desk (id uuid primary key, label text not null, seats int not null, booked_at timestamptz(3))`);
  await sql.execute(`create table ${schema}.room (id uuid primary key, label text not null)`);
  await sql.execute(`insert into ${schema}.desk values (?, 'window', 2, '2026-12-03T10:00:00.000Z'), (?, 'door', 1, null)`, [ids[0], ids[1]]);
  await sql.execute(`insert into ${schema}.room values (?, 'atrium')`, [ids[0]]);
});

afterAll(async () => {
  await orm.em.getConnection().execute(`drop schema ${schema} cascade`);
  await orm.close(true);
});

const selects = () => statements.filter((line) => /select/i.test(line) && line.includes(schema));

it('loads a batch in one statement, in the order asked, null for an unknown id, with typed values', async () => {
  const em = orm.em.fork();
  const loader = entityLoader(em, Desk);
  statements.length = 0;
  const [second, missing, first, again] = await Promise.all([loader.load(ids[1]), loader.load(ids[2]), loader.load(ids[0]), loader.load(ids[1])]);
  expect(selects()).toHaveLength(1);
  // The statement built once for the entity, not one from MikroORM's query builder (`select "d0".* ...`).
  expect(selects()[0]).toMatch(new RegExp(`select "id", "label", "seats", "booked_at" from "${schema}"\\."desk" where "id" in \\(`));
  expect(missing).toBeNull();
  expect(first).toMatchObject({ id: ids[0], label: 'window', seats: 2 });
  expect(first!.bookedAt).toEqual(new Date('2026-12-03T10:00:00.000Z'));
  expect(second).toMatchObject({ id: ids[1], label: 'door', seats: 1, bookedAt: null });
  expect(again).toBe(second);
  // Managed by the entity manager, as em.find leaves them: the same instance, and a change is flushed.
  expect(em.getUnitOfWork().getById('Desk', ids[0])).toBe(first);
  // createORM keeps scalars plain data properties (no getter and setter defined per instance):
  // flush finds the change by comparing with the loaded snapshot.
  expect(Object.getOwnPropertyDescriptor(first, 'seats')).toMatchObject({ value: 2, writable: true });
  expect(Object.getOwnPropertyDescriptor(first, 'seats')?.get).toBeUndefined();
  first!.seats = 3;
  await em.flush();
  const [{ seats }] = await orm.em.getConnection().execute(`select seats from ${schema}.desk where id = ?`, [ids[0]]);
  expect(seats).toBe(3);
});

it('returns an entity the entity manager already holds as it is, unsaved changes included', async () => {
  const em = orm.em.fork();
  const held = await em.findOneOrFail(Desk, ids[1]);
  held.label = 'not saved yet';
  const loaded = await entityLoader(em, Desk).load(ids[1]);
  expect(loaded).toBe(held);
  expect(loaded!.label).toBe('not saved yet');
  // A reference the entity manager holds without its data is loaded, not returned empty.
  const other = orm.em.fork();
  const reference = other.getReference(Desk, ids[0]);
  expect(await entityLoader(other, Desk).load(ids[0])).toMatchObject({ id: ids[0], label: 'window' });
  expect(reference.label).toBe('window');
});

it('reads inside the entity manager’s transaction', async () => {
  await orm.em.fork().transactional(async (tx) => {
    await tx.getConnection().execute(`insert into ${schema}.desk values (?, 'new', 4, null)`, [ids[2]], 'run', tx.getTransactionContext());
    expect(await entityLoader(tx, Desk).load(ids[2])).toMatchObject({ id: ids[2], label: 'new' });
    await tx.getConnection().execute(`delete from ${schema}.desk where id = ?`, [ids[2]], 'run', tx.getTransactionContext());
  });
  expect(await entityLoader(orm.em.fork(), Desk).load(ids[2])).toBeNull();
});

it('finds by another column (findIn) as em.find does, and nothing for no values', async () => {
  const em = orm.em.fork();
  statements.length = 0;
  const found = await findIn(em, Desk, 'label', ['door', 'window', 'nowhere']);
  expect(selects()[0]).toMatch(/where "label" in \(/);
  const expected = await orm.em.fork().find(Desk, { label: { $in: ['door', 'window', 'nowhere'] } });
  expect(found.map((d) => ({ ...d })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
    expected.map((d) => ({ ...d })).sort((a, b) => a.id.localeCompare(b.id)),
  );
  expect(await findIn(em, Desk, 'label', [])).toEqual([]);
});

it('leaves an entity with more than plain columns to em.find', async () => {
  const room = await entityLoader(orm.em.fork(), Room).load(ids[0]);
  expect(room).toMatchObject({ id: ids[0], label: 'atrium', shout: 'ATRIUM' });
});
