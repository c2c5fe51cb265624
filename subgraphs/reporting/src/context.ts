import { entityLoader, type SubgraphContext } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportingConfig } from './config';
import { Activity } from './entities/activity.entity';
import type { ReportingServices } from './services';

export function createLoaders(em: EntityManager) {
  return { activityById: entityLoader(em, Activity) };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, ReportingConfig, ReportingServices>;
