import DataLoader from 'dataloader';
import type { EntityManager, EntityName } from '@mikro-orm/postgresql';
import { BadUserInputError } from './errors';

/** One query per batch: loads entities by id, answering null for ids that do not exist. */
export function entityLoader<T extends { id: string }>(em: EntityManager, entity: EntityName<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await em.find(entity, { id: { $in: [...ids] } } as never);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
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
