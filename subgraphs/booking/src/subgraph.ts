import { resolve } from 'node:path';
import { createBroker, type Broker, type SubgraphDefinition } from '@wsb/kernel';
import { PendingSweeper } from './booking/recovery';
import { readConfig, type BookingConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Booking } from './entities/booking.entity';
import { OutboxEvent } from './entities/outbox-event.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { BrokerPublisher, DirectPublisher, type EventPublisher } from './outbox/publisher';
import { OutboxRelay } from './outbox/relay';
import { observeOutbox } from './outbox/metrics';
import { resolvers } from './resolvers';

export interface BookingSubgraphOptions {
  /** Where outbox events go; by default RabbitMQ when AMQP_URL is set, else the direct (broker-less) publisher. */
  publisher?: (app: Parameters<NonNullable<SubgraphDefinition<Loaders, BookingConfig>['onStart']>>[0]) => EventPublisher;
}

/**
 * A factory rather than a constant because the definition owns background work (the outbox relay
 * and the pending sweeper) that lives from onStart to onStop: each app gets its own.
 */
export function createBookingSubgraph(options: BookingSubgraphOptions = {}): SubgraphDefinition<Loaders, BookingConfig> {
  let relay: OutboxRelay | undefined;
  let sweeper: PendingSweeper | undefined;
  let broker: Broker | undefined;
  // Until onStart runs there is nothing to kick; the relay's first round picks up anything due.
  const outbox = { kick: () => relay?.kick() };

  return {
    name: 'booking',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [Booking, OutboxEvent],
    migrations,
    loaders: (em) => createLoaders(em, outbox),
    config: readConfig,
    async onStart(app) {
      const log = app.log.child({ component: 'outbox' });
      let publisher = options.publisher?.(app);
      if (!publisher) {
        broker = createBroker(app.config.amqp, app.log, 'booking', app.metrics);
        if (broker) await BrokerPublisher.declareTopology(broker);
        publisher = broker ? new BrokerPublisher(broker, app.services, log) : new DirectPublisher(app.services, log);
      }
      app.log.info('outbox relay started', { mode: broker ? 'rabbitmq' : 'direct' });
      relay = new OutboxRelay(app.orm, publisher, log, app.config.outbox);
      observeOutbox(app.orm, app.metrics, log);
      // Events that waited while the broker was away go out as soon as it is back, not at the next poll.
      broker?.onConnected(() => relay?.kick());
      sweeper = new PendingSweeper(app.orm, app.config.pendingTimeoutMs, app.log.child({ component: 'pending-sweeper' }));
      relay.start();
      sweeper.start();
    },
    async onStop() {
      await Promise.all([relay?.stop(), sweeper?.stop()]);
      await broker?.close();
      relay = undefined;
      sweeper = undefined;
      broker = undefined;
    },
    // With AMQP_URL set, the broker is a dependency: not ready until connected.
    ready: async () => broker?.check(),
  };
}

export const bookingSubgraph = createBookingSubgraph();
