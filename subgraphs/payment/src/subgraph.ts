import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type PaymentConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Payment } from './entities/payment.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const paymentSubgraph: SubgraphDefinition<Loaders, PaymentConfig> = {
  name: 'payment',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [Payment],
  migrations,
  loaders: createLoaders,
  config: readConfig,
};
