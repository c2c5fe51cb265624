import { loadById } from '@wsb/kernel';
import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  __resolveReference(reference, { loaders }) {
    return loadById(loaders.userById, reference.id);
  },
};
