import { loadById } from '@wsb/kernel';
import type { WorkspaceResolvers } from '../__generated__/resolvers-types';

export const Workspace: WorkspaceResolvers = {
  __resolveReference(reference, { loaders }) {
    return loadById(loaders.workspaceById, reference.id);
  },
  hourlyRate: (workspace) => ({ amount: workspace.hourlyRateAmount, currency: workspace.hourlyRateCurrency }),
};
