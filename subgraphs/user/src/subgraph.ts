import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type UserConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { User } from './entities/user.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const userSubgraph: SubgraphDefinition<Loaders, UserConfig> = {
  name: 'user',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [User],
  migrations,
  loaders: createLoaders,
  config: readConfig,
};
