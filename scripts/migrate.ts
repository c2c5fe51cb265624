/**
 * npm run migrate: creates each subgraph's database if it is missing and applies its pending
 * migrations, without starting any server (a deployment runs this before rolling out). It reads the
 * same settings as the services (DATABASE_URL, DB_NAME_PREFIX, <NAME>_DATABASE_URL, ...).
 *   npm run migrate                 every subgraph
 *   npm run migrate -- booking user some of them
 */
import { createLogger, createORM, prepareDatabase, readDefinitionConfig, SERVICE_NAMES, type ServiceName } from '@wsb/kernel';
import { subgraphDefinition } from './subgraph-definitions';

async function main() {
  const log = createLogger({ service: 'migrate' });
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`unknown subgraph(s): ${unknown.join(', ')}; known: ${SERVICE_NAMES.join(', ')}`);
  for (const name of (wanted.length ? wanted : SERVICE_NAMES) as ServiceName[]) {
    const definition = subgraphDefinition(name);
    const config = readDefinitionConfig(definition, process.env);
    const orm = await createORM({ databaseUrl: config.databaseUrl, entities: definition.entities, migrations: definition.migrations, log });
    try {
      await prepareDatabase(orm, log.child({ subgraph: name }));
      log.info('database up to date', { subgraph: name, database: new URL(config.databaseUrl).pathname.slice(1) });
    } finally {
      await orm.close();
    }
  }
}

main().catch((err) => {
  console.error(`migrate: ${(err as Error).message}`);
  process.exit(1);
});
