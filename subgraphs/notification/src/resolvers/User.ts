import { canonicalId, pageSize } from '@wsb/kernel';
import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // Any id is a valid reference here: the user subgraph vouches for it, and an unknown one
  // simply has no notifications.
  __resolveReference: (reference) => ({ id: reference.id }),
  async notifications(user, { first }, { loaders }) {
    const limit = pageSize(first); // default 20, BAD_USER_INPUT outside 0..100
    const id = canonicalId(user.id);
    if (limit === 0 || !id) return [];
    return loaders.notificationsOfUser(limit).load(id);
  },
};
