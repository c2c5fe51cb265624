import { resolve } from 'node:path';
import type { Broker, SubgraphDefinition } from '@wsb/kernel';
import { consumeBookingEvents } from './booking-events';
import { readConfig, type ReportingConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Activity } from './entities/activity.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/** A factory: with AMQP_URL set, each running subgraph owns its broker connection and consumer. */
export function createReportingSubgraph(): SubgraphDefinition<Loaders, ReportingConfig> {
  let broker: Broker | undefined;
  return {
    name: 'reporting',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [Activity],
    migrations,
    loaders: createLoaders,
    config: readConfig,
    async onStart(app) {
      broker = await consumeBookingEvents(app);
      app.log.info('booking events', { source: broker ? 'rabbitmq' : 'direct calls from booking' });
    },
    async onStop() {
      await broker?.close();
      broker = undefined;
    },
    // With AMQP_URL set, the broker is a dependency: not ready until connected.
    ready: async () => broker?.check(),
  };
}

export const reportingSubgraph = createReportingSubgraph();
