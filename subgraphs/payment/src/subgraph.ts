import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type PaymentConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Payment } from './entities/payment.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import type { PaymentProvider } from './provider';
import { resolvers } from './resolvers';
import { createServices, type PaymentServices } from './services';

/** `provider` replaces the processor PAYMENT_PROVIDER selects (tests record the charges). */
export function createPaymentSubgraph(provider?: PaymentProvider): SubgraphDefinition<Loaders, PaymentConfig, PaymentServices> {
  return {
    name: 'payment',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [Payment],
    migrations,
    loaders: createLoaders,
    config: readConfig,
    services: (app) => createServices(app, provider),
  };
}

export const paymentSubgraph = createPaymentSubgraph();
