import { loadById, paginate } from '@wsb/kernel';
import type { FilterQuery } from '@mikro-orm/postgresql';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { Workspace } from '../entities/workspace.entity';
import { validCapacity } from '../validation';

export const Query: QueryResolvers = {
  async workspace(_parent, { id }, { loaders }) {
    // An id that is not a UUID cannot exist; answer null like any other unknown id.
    return loadById(loaders.workspaceById, id);
  },

  async workspaces(_parent, { filter, first, after }, { em }) {
    const where: FilterQuery<Workspace> = { active: filter?.active ?? true };
    if (filter?.kind) where.kind = filter.kind;
    if (filter?.minCapacity !== undefined && filter?.minCapacity !== null) {
      where.capacity = { $gte: validCapacity(filter.minCapacity) };
    }
    return paginate(em, Workspace, where, { first, after });
  },

  async _workspaceCount(_parent, _args, { em }) {
    return em.count(Workspace, { active: true });
  },
};
