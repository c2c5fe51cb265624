import { loadById } from '@wsb/kernel';
import type { ActivityResolvers } from '../__generated__/resolvers-types';

export const Activity: ActivityResolvers = {
  __resolveReference(reference, { loaders }) {
    return loadById(loaders.activityById, reference.id);
  },
  // The gateway resolves these references in the subgraphs that own them.
  booking: (activity) => ({ __typename: 'Booking', id: activity.bookingId }),
  user: (activity) => ({ __typename: 'User', id: activity.userId }),
  workspace: (activity) => ({ __typename: 'Workspace', id: activity.workspaceId }),
};
