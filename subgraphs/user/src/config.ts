import { readSubgraphConfig, type Env, type SubgraphConfig } from '@wsb/kernel';

export type UserConfig = SubgraphConfig;

export function readConfig(env: Env): UserConfig {
  return readSubgraphConfig('user', env);
}
