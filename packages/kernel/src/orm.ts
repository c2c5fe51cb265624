/**
 * MikroORM for one subgraph's own PostgreSQL database: `createORM` configures it, `prepareDatabase`
 * creates the database when it does not exist yet and applies the subgraph's migrations.
 */
import { MikroORM, ReferenceKind, type EntityMetadata, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { DEFAULT_DB_POOL_MAX } from './config';
import type { Logger } from './logger';

export interface OrmOptions {
  databaseUrl: string;
  entities: EntitySchema<any, any>[];
  migrations: MigrationObject[];
  log?: Logger;
  /** The most connections the pool opens (DB_POOL_MAX); DEFAULT_DB_POOL_MAX unless given. */
  poolMax?: number;
  /** Extra MikroORM options (tests use this for pool sizes). */
  overrides?: Partial<Options>;
}

/**
 * Scalar properties stay plain data properties of the entity. By default MikroORM defines a getter
 * and a setter on every entity instance for each of them (EntityHelper.ensurePropagation, with
 * Object.defineProperties), only to keep the `isTouched()` flag, which nothing here reads; flush
 * finds changes by comparing with the loaded snapshot either way. On a 30-item page that was the
 * booking subgraph's largest single function (docs/benchmarks.md, "What the profiles showed").
 */
function plainScalars(meta: EntityMetadata): void {
  for (const prop of Object.values(meta.properties)) if (prop.kind === ReferenceKind.SCALAR) prop.trackChanges = false;
}

export async function createORM(options: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init({
    clientUrl: options.databaseUrl,
    entities: options.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      tableName: 'mikro_orm_migrations',
      silent: true,
    },
    discovery: { warnWhenNoEntities: false, onMetadata: plainScalars },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: options.poolMax ?? DEFAULT_DB_POOL_MAX },
    debug: false,
    ...options.overrides,
  });
  return orm;
}

/** Creates the database if missing, then applies pending migrations (all in one transaction). */
export async function prepareDatabase(orm: MikroORM, log?: Logger): Promise<void> {
  await orm.schema.ensureDatabase({ create: true });
  const applied = await orm.getMigrator().up();
  if (applied.length) log?.info('migrations applied', { migrations: applied.map((m) => m.name) });
}
