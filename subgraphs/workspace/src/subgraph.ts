import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type WorkspaceConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Workspace } from './entities/workspace.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const workspaceSubgraph: SubgraphDefinition<Loaders, WorkspaceConfig> = {
  name: 'workspace',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [Workspace],
  migrations,
  loaders: createLoaders,
  config: readConfig,
};
