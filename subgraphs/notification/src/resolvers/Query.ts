import { pageSize } from '@wsb/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { Notification } from '../entities/notification.entity';

export const Query: QueryResolvers = {
  async myNotifications(_parent, { first }, { em, user }) {
    const limit = pageSize(first); // default 20, BAD_USER_INPUT outside 0..100
    // A limit of 0 would mean "no limit" to the ORM.
    if (limit === 0) return [];
    return em.find(Notification, { userId: user!.id }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit });
  },
};
