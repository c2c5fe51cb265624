import { resolve } from 'node:path';
import type { SubgraphDefinition } from '@wsb/kernel';
import { readConfig, type AuthConfig } from './config';
import type { Loaders } from './context';
import { Credential } from './entities/credential.entity';
import { LoginAttempt } from './entities/login-attempt.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { migrations } from './migrations';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { createServices, type AuthServices } from './services';

export const authSubgraph: SubgraphDefinition<Loaders, AuthConfig, AuthServices> = {
  name: 'auth',
  schemaPath: resolve(__dirname, '../schema.graphql'),
  resolvers,
  permissions,
  entities: [Credential, RefreshToken, LoginAttempt],
  migrations,
  config: readConfig,
  services: createServices,
};
