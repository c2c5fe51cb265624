import type { SubgraphContext } from '@wsb/kernel';
import type { AuthConfig } from './config';
import type { AuthServices } from './services';

/** Auth looks rows up one at a time by unique keys (email, token hash), so it needs no DataLoaders. */
export type Loaders = Record<string, never>;
export type Context = SubgraphContext<Loaders, AuthConfig, AuthServices>;
