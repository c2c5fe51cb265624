import DataLoader from 'dataloader';
import { ReferenceKind, wrap, type EntityDictionary, type EntityManager, type EntityMetadata, type EntityName } from '@mikro-orm/postgresql';
import { BadUserInputError } from './errors';

/**
 * One query per batch: loads entities by id, answering null for ids that do not exist (findIn).
 */
export function entityLoader<T extends { id: string }>(em: EntityManager, entity: EntityName<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const byId = new Map((await findIn(em, entity, 'id', ids)).map((found) => [found.id, found]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * The entities whose `property` is one of `values`, in one statement: what
 * `em.find(entity, { [property]: { $in: values } })` returns (managed entities; one this entity
 * manager already holds comes back as it is, unsaved changes included; inside its transaction),
 * from a statement built once per entity and property, the rows made entities by `em.map`.
 * Building the query through MikroORM's query builder and knex for every batch was about a tenth
 * of a subgraph's CPU for a reference lookup (docs/benchmarks.md, "What the profiles showed").
 * An entity with more than plain columns and many-to-one keys goes through em.find.
 */
export async function findIn<T extends object>(em: EntityManager, entity: EntityName<T>, property: keyof T & string, values: readonly unknown[]): Promise<T[]> {
  if (!values.length) return [];
  const meta = em.getMetadata(entity);
  const sql = selectWhereIn(meta, property);
  if (!sql) return em.find(entity, { [property]: { $in: [...values] } } as never);
  const rows = await em.getConnection().execute<EntityDictionary<T>[]>(sql, [[...values]], 'all', em.getTransactionContext());
  // em.map would refresh an entity already held with the row, losing its unsaved changes: em.find keeps it.
  const key = meta.getPrimaryProps()[0].fieldNames[0];
  const unitOfWork = em.getUnitOfWork();
  return rows.map((row) => {
    const held = unitOfWork.getById<T>(meta.className, (row as Record<string, unknown>)[key] as never);
    return held && wrap(held, true).isInitialized() ? held : em.map(entity, row);
  });
}

/** Per entity and property: its statement, or null when the entity has more than plain columns and many-to-one keys (formulas, lazy columns...). */
const statements = new WeakMap<EntityMetadata, Map<string, string | null>>();

/** `select <every column> from <table> where <column> in (?)`, for one array of values. */
function selectWhereIn(meta: EntityMetadata, property: string): string | null {
  let byProperty = statements.get(meta);
  if (!byProperty) statements.set(meta, (byProperty = new Map()));
  let sql = byProperty.get(property);
  if (sql === undefined) {
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const plain = meta.props.every(
      (prop) => !prop.formula && !prop.lazy && (prop.persist === false || prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE),
    );
    const column = meta.properties[property]?.fieldNames;
    const table = `${meta.schema && meta.schema !== '*' ? `${quote(meta.schema)}.` : ''}${quote(meta.tableName)}`;
    const columns = meta.props.filter((prop) => prop.persist !== false).flatMap((prop) => prop.fieldNames.map(quote));
    sql = plain && column?.length === 1 ? `select ${columns.join(', ')} from ${table} where ${quote(column[0])} in (?)` : null;
    byProperty.set(property, sql);
  }
  return sql;
}

/** One query per batch for one-to-many lookups keyed by a foreign id. */
export function groupedLoader<K extends string, T>(load: (keys: readonly K[]) => Promise<T[]>, keyOf: (row: T) => K): DataLoader<K, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await load(keys);
    const groups = new Map<K, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The one rule for ids: a well-formed UUID in any case is that id in lower case (as PostgreSQL
 * prints it, so it matches loaded rows and the caller's own id); anything else is no id.
 */
export function canonicalId(value: unknown): string | null {
  return isUuid(value) ? value.toLowerCase() : null;
}

/** A lookup by an id a client or another subgraph sent: null for a malformed id (never an error), else the loader's answer. */
export function loadById<T>(loader: DataLoader<string, T | null>, id: unknown): Promise<T | null> | null {
  const key = canonicalId(id);
  return key ? loader.load(key) : null;
}

/** For ids a client passes to a mutation: a malformed one is BAD_USER_INPUT naming the field. */
export function requireUuid(value: string, field: string): string {
  const id = canonicalId(value);
  if (!id) throw new BadUserInputError(`${field} is not a valid id.`, field);
  return id;
}
