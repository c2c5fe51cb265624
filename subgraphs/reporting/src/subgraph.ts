import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type ReportingConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { ActivitySchema } from './entities/activity.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const reportingSubgraph: SubgraphDefinition<Loaders, ReportingConfig> = {
  name: 'reporting',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [ActivitySchema],
  migrations,
  loaders: createLoaders,
  config: readConfig,
};
