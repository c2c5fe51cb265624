import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type BookingConfig } from './config';
import { createLoaders, type Loaders } from './context';
import { Booking } from './entities/booking.entity';
import { OutboxEvent } from './entities/outbox-event.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { createServices, type BookingServices } from './services';

export const bookingSubgraph: SubgraphDefinition<Loaders, BookingConfig, BookingServices> = {
  name: 'booking',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [Booking, OutboxEvent],
  migrations,
  loaders: createLoaders,
  config: readConfig,
  services: createServices,
};
