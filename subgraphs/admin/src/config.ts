import { readSubgraphConfig, type Env, type SubgraphConfig } from '@wsb/kernel';

export type AdminConfig = SubgraphConfig;

export function readConfig(env: Env): AdminConfig {
  return readSubgraphConfig('admin', env);
}
