/**
 * MikroORM for one subgraph's own PostgreSQL database: `createORM` configures it, `prepareDatabase`
 * creates the database when it does not exist yet and applies the subgraph's migrations.
 */
import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/postgresql';
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
    discovery: { warnWhenNoEntities: false },
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
