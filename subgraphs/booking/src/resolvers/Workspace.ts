import type { WorkspaceResolvers } from '../__generated__/resolvers-types';
import { checkTimeRange } from '../booking/validation';

export const Workspace: WorkspaceResolvers = {
  // The workspace subgraph owns workspaces; availability needs only the id.
  __resolveReference: (reference) => ({ id: reference.id }),
  async isAvailable(workspace, { startsAt, endsAt }, { loaders }) {
    checkTimeRange(startsAt, endsAt);
    return loaders.workspaceAvailability.load({ workspaceId: workspace.id.toLowerCase(), startsAt, endsAt });
  },
};
