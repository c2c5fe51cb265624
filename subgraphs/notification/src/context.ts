import { entityLoader, groupedLoader, type SubgraphContext } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { NotificationConfig } from './config';
import { Notification } from './entities/notification.entity';
import type { NotificationServices } from './services';

/** The newest `limit` notifications of each user in the batch, in one query. */
async function newestOfUsers(em: EntityManager, userIds: readonly string[], limit: number): Promise<Notification[]> {
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(
    `select * from (
       select n.*, row_number() over (partition by user_id order by created_at desc, id desc) as position
       from notification n where user_id in (?)
     ) ranked where position <= ? order by user_id, created_at desc, id desc`,
    [[...userIds], limit],
    'all',
  );
  return rows.map(({ position: _position, ...row }) => em.map(Notification, row));
}

/** DataLoaders, created per request. */
export function createLoaders(em: EntityManager) {
  // User.notifications(first): one loader per page size, so each distinct `first` is one query.
  const byLimit = new Map<number, DataLoader<string, Notification[]>>();
  return {
    notificationById: entityLoader(em, Notification),
    notificationsOfUser(limit: number): DataLoader<string, Notification[]> {
      let loader = byLimit.get(limit);
      if (!loader) {
        loader = groupedLoader<string, Notification>(
          (userIds) => newestOfUsers(em, userIds, limit),
          (n) => n.userId,
        );
        byLimit.set(limit, loader);
      }
      return loader;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, NotificationConfig, NotificationServices>;
