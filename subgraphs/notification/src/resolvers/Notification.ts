import { isUuid } from '@wsb/kernel';
import type { NotificationResolvers } from '../__generated__/resolvers-types';

export const Notification: NotificationResolvers = {
  __resolveReference(reference, { loaders }) {
    return isUuid(reference.id) ? loaders.notificationById.load(reference.id) : null;
  },
  // The user subgraph owns User; a reference is enough for the gateway to join it.
  user: (notification) => ({ __typename: 'User', id: notification.userId }),
};
