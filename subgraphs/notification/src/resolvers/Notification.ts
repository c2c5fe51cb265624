import { loadById } from '@wsb/kernel';
import type { NotificationResolvers } from '../__generated__/resolvers-types';

export const Notification: NotificationResolvers = {
  __resolveReference(reference, { loaders }) {
    return loadById(loaders.notificationById, reference.id);
  },
  // The user subgraph owns User; a reference is enough for the gateway to join it.
  user: (notification) => ({ __typename: 'User', id: notification.userId }),
};
