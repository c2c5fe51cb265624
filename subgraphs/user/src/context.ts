import { entityLoader, type SubgraphContext } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserConfig } from './config';
import { User } from './entities/user.entity';

export function createLoaders(em: EntityManager) {
  return { userById: entityLoader(em, User) };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, UserConfig>;
