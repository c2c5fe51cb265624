import { isUuid } from '@wsb/kernel';
import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  __resolveReference(reference, { loaders }) {
    return isUuid(reference.id) ? loaders.userById.load(reference.id) : null;
  },
};
