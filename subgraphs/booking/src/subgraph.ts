import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { PendingSweeper } from './booking/recovery';
import { readConfig, type BookingConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { BookingSchema } from './entities/booking.entity';
import { OutboxEventSchema } from './entities/outbox-event.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { DirectPublisher, type EventPublisher } from './outbox/publisher';
import { OutboxRelay } from './outbox/relay';
import { resolvers } from './resolvers';

export interface BookingSubgraphOptions {
  /** Where outbox events go; the direct (broker-less) publisher by default. */
  publisher?: (app: Parameters<NonNullable<SubgraphDefinition<Loaders, BookingConfig>['onStart']>>[0]) => EventPublisher;
}

/**
 * A factory rather than a constant because the definition owns background work (the outbox relay
 * and the pending sweeper) that lives from onStart to onStop: each app gets its own.
 */
export function createBookingSubgraph(options: BookingSubgraphOptions = {}): SubgraphDefinition<Loaders, BookingConfig> {
  let relay: OutboxRelay | undefined;
  let sweeper: PendingSweeper | undefined;
  // Until onStart runs there is nothing to kick; the relay's first round picks up anything due.
  const outbox = { kick: () => relay?.kick() };

  return {
    name: 'booking',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [BookingSchema, OutboxEventSchema],
    migrations,
    loaders: (em) => createLoaders(em, outbox),
    config: readConfig,
    async onStart(app) {
      const publisher = options.publisher?.(app) ?? new DirectPublisher(app.services, app.log.child({ component: 'outbox' }));
      relay = new OutboxRelay(app.orm, publisher, app.log.child({ component: 'outbox' }), app.config.outbox);
      sweeper = new PendingSweeper(app.orm, app.config.pendingTimeoutMs, app.log.child({ component: 'pending-sweeper' }));
      relay.start();
      sweeper.start();
    },
    async onStop() {
      await Promise.all([relay?.stop(), sweeper?.stop()]);
      relay = undefined;
      sweeper = undefined;
    },
  };
}

export const bookingSubgraph = createBookingSubgraph();
