import { entityLoader, type SubgraphContext } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WorkspaceConfig } from './config';
import { Workspace } from './entities/workspace.entity';

export function createLoaders(em: EntityManager) {
  return { workspaceById: entityLoader(em, Workspace) };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, WorkspaceConfig>;
