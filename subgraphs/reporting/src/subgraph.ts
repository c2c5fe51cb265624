import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type ReportingConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Activity } from './entities/activity.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { createServices, type ReportingServices } from './services';

export const reportingSubgraph: SubgraphDefinition<Loaders, ReportingConfig, ReportingServices> = {
  name: 'reporting',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [Activity],
  migrations,
  loaders: createLoaders,
  config: readConfig,
  services: createServices,
};
