import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type NotificationConfig } from './config';
import { createLoaders, type Loaders } from './context';
import type { Transports } from './delivery';
import { Notification } from './entities/notification.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { createServices, type NotificationServices } from './services';

/** `transports` replaces the mailer or SMS sender the settings select (tests capture what is sent). */
export function createNotificationSubgraph(transports: Partial<Transports> = {}): SubgraphDefinition<Loaders, NotificationConfig, NotificationServices> {
  return {
    name: 'notification',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [Notification],
    migrations,
    loaders: createLoaders,
    config: readConfig,
    services: (app) => createServices(app, transports),
  };
}

export const notificationSubgraph = createNotificationSubgraph();
