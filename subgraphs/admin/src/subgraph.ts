import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type AdminConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { AdminAuditEntry } from './entities/admin-audit-entry.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const adminSubgraph: SubgraphDefinition<Loaders, AdminConfig> = {
  name: 'admin',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [AdminAuditEntry],
  migrations,
  loaders: createLoaders,
  config: readConfig,
};
