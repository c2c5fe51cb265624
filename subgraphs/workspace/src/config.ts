import { readSubgraphConfig, type Env, type SubgraphConfig } from '@wsb/kernel';

export type WorkspaceConfig = SubgraphConfig;

export function readConfig(env: Env): WorkspaceConfig {
  return readSubgraphConfig('workspace', env);
}
