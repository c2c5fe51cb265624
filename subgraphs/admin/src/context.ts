import type { SubgraphContext } from '@wsb/kernel';
import type { AdminConfig } from './config';

/** The admin subgraph resolves no entity by id, so it needs no DataLoaders yet. */
export function createLoaders() {
  return {};
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, AdminConfig>;
