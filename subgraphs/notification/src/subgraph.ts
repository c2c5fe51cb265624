import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type NotificationConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { DeliveryWorker } from './delivery';
import { NotificationSchema } from './entities/notification.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/**
 * A factory rather than a constant because the definition owns a stateful delivery worker (its
 * retry timers): every running subgraph, e.g. each test app, needs its own.
 */
export function createNotificationSubgraph(): SubgraphDefinition<Loaders, NotificationConfig> {
  const delivery = new DeliveryWorker();
  return {
    name: 'notification',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [NotificationSchema],
    migrations,
    loaders: (em) => createLoaders(em, delivery),
    config: readConfig,
    async onStart(app) {
      await delivery.start(app);
      app.log.info('notification delivery ready', { mailer: app.config.mailer.kind, sms: app.config.sms.kind });
    },
    onStop: () => delivery.stop(),
  };
}

export const notificationSubgraph = createNotificationSubgraph();
