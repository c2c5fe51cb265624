import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { createBootstrap } from './bootstrap';
import { readConfig, type AuthConfig } from './config';
import type { Loaders } from './context';
import { Credential } from './entities/credential.entity';
import { LoginAttempt } from './entities/login-attempt.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { migrations } from './migrations';
import { limitPasswordHashing, prepareDummyHash } from './passwords';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

/** A factory because the bootstrap-admin progress is per running app (tests start several). */
export function createAuthSubgraph(): SubgraphDefinition<Loaders, AuthConfig> {
  const bootstrap = createBootstrap();
  return {
    name: 'auth',
    schemaPath: resolve(__dirname, '../schema.graphql'),
    resolvers,
    permissions,
    entities: [Credential, RefreshToken, LoginAttempt],
    migrations,
    config: readConfig,
    async onStart(app) {
      limitPasswordHashing(app.config.passwordHashing);
      await prepareDummyHash();
      bootstrap.start(app);
    },
    async ready() {
      bootstrap.assertReady();
    },
    async onStop() {
      bootstrap.stop();
    },
  };
}

export const authSubgraph = createAuthSubgraph();
