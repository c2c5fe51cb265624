import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type PaymentConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Payment } from './entities/payment.entity';
import { migrations } from './migrations';
import { StaleChargeSweeper } from './payments';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/** A factory because the definition owns background work (the stale charge sweep) from onStart to onStop. */
export function createPaymentSubgraph(): SubgraphDefinition<Loaders, PaymentConfig> {
  let sweeper: StaleChargeSweeper | undefined;
  return {
    name: 'payment',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [Payment],
    migrations,
    loaders: createLoaders,
    config: readConfig,
    async onStart(app) {
      sweeper = new StaleChargeSweeper(app.orm, app.config.provider, app.config.pendingTimeoutMs, app.log.child({ component: 'stale-charges' }));
      sweeper.start();
    },
    async onStop() {
      await sweeper?.stop();
      sweeper = undefined;
    },
  };
}

export const paymentSubgraph = createPaymentSubgraph();
