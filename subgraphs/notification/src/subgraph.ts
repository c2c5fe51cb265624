import { resolve } from 'node:path';
import type { Broker, SubgraphDefinition } from '@wsb/kernel';
import { consumeBookingEvents } from './booking-events';
import { readConfig, type NotificationConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { DeliveryWorker } from './delivery';
import { Notification } from './entities/notification.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/**
 * A factory rather than a constant because the definition owns a stateful delivery worker (its
 * retry timers): every running subgraph, e.g. each test app, needs its own.
 */
export function createNotificationSubgraph(): SubgraphDefinition<Loaders, NotificationConfig> {
  const delivery = new DeliveryWorker();
  let broker: Broker | undefined;
  return {
    name: 'notification',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [Notification],
    migrations,
    loaders: (em) => createLoaders(em, delivery),
    config: readConfig,
    async onStart(app) {
      await delivery.start(app);
      broker = await consumeBookingEvents(app, delivery);
      app.log.info('notification delivery ready', {
        mailer: app.config.mailer.kind,
        sms: app.config.sms.kind,
        bookingEvents: broker ? 'rabbitmq' : 'direct calls from booking',
      });
    },
    async onStop() {
      // Stop consuming first (the messages in hand are finished and acked), then the deliveries.
      await broker?.close();
      broker = undefined;
      await delivery.stop();
    },
    // With AMQP_URL set, the broker is a dependency: not ready until connected.
    ready: async () => broker?.check(),
  };
}

export const notificationSubgraph = createNotificationSubgraph();
