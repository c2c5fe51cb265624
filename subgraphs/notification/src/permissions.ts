import { allow, isAuthenticated, isCallerService, ownerOrAdmin, type IRules } from '@wsb/kernel';
import type { Notification, UserRef } from './entities/notification.entity';

/**
 * A notification is visible to its user, an admin, or a platform service. The rule sits on the
 * Notification type, so myNotifications, User.notifications and `_entities` are guarded alike.
 * Only the booking subgraph sends. Anything not listed is denied.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
    myNotifications: isAuthenticated,
  },
  Mutation: {
    _sendNotification: isCallerService('booking'),
    _sendNotifications: isCallerService('booking'),
  },
  _Service: allow,
  Notification: ownerOrAdmin<Notification>((notification) => notification.userId),
  User: {
    id: allow,
    notifications: ownerOrAdmin<UserRef>((user) => user.id),
  },
};
