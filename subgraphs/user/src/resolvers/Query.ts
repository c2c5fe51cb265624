import { loadById, paginate } from '@wsb/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { User } from '../entities/user.entity';

export const Query: QueryResolvers = {
  async me(_parent, _args, { user, loaders }) {
    return user ? loaders.userById.load(user.id) : null;
  },

  async user(_parent, { id }, { loaders }) {
    // An id that is not a UUID cannot exist; answer null like any other unknown id.
    return loadById(loaders.userById, id);
  },

  async users(_parent, { first, after }, { em }) {
    return paginate(em, User, {}, { first, after });
  },

  async _userCount(_parent, _args, { em }) {
    return em.count(User, {});
  },
};
