import { isUuid } from '@wsb/kernel';
import type { WorkspaceResolvers } from '../__generated__/resolvers-types';

export const Workspace: WorkspaceResolvers = {
  __resolveReference(reference, { loaders }) {
    return isUuid(reference.id) ? loaders.workspaceById.load(reference.id) : null;
  },
  hourlyRate: (workspace) => ({ amount: workspace.hourlyRateAmount, currency: workspace.hourlyRateCurrency }),
};
