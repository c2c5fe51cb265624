/**
 * Everything a subgraph needs to run, so that its entry file is its name, schema, resolvers,
 * permissions and entities: the federated schema behind the permission shield, a forked entity
 * manager and fresh DataLoaders per request, service-identity checks, /health and /ready, and a
 * graceful shutdown.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { ApolloServer, type GraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import type { MigrationObject } from '@mikro-orm/core';
import type { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { IRules } from 'graphql-shield';
import { readSubgraphConfig, type Env, type ServiceName, type SubgraphConfig } from './config';
import { resolveEachEntityOnce } from './entities';
import { formatClientError } from './errors';
import { answerClientErrors, jsonErrorHandler } from './http-errors';
import { bearer, verifyServiceToken, type Identity, type UserIdentity } from './identity';
import { createLogger, type Logger } from './logger';
import { createORM, prepareDatabase } from './orm';
import { buildShield } from './permissions';
import { DateTimeScalar } from './scalars';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { createServiceClient, type ServiceClient } from './service-client';
import { rejectUnstorableText } from './text-input';

export interface SubgraphContext<Loaders = unknown, Config extends SubgraphConfig = SubgraphConfig> {
  requestId: string;
  identity: Identity;
  /** Shorthand for identity.user. */
  user?: UserIdentity;
  em: EntityManager;
  loaders: Loaders;
  services: ServiceClient;
  rateLimiter: RateLimiter;
  log: Logger;
  config: Config;
}

export interface SubgraphDefinition<Loaders = unknown, Config extends SubgraphConfig = SubgraphConfig> {
  name: ServiceName;
  /** Path of the subgraph's schema.graphql (the SDL file is the source of truth). */
  schemaPath: string;
  resolvers: object;
  permissions: IRules;
  entities: EntitySchema<any, any>[];
  migrations: MigrationObject[];
  /** DataLoaders, created anew for every request. */
  loaders?: (em: EntityManager, ctx: Omit<SubgraphContext<unknown, Config>, 'loaders'>) => Loaders;
  /** Reads the subgraph's own settings on top of the platform's. */
  config?: (env: Env) => Config;
  /** Runs once the database is migrated, before the port opens (e.g. seeding). */
  onStart?: (app: SubgraphApp<Loaders, Config>) => Promise<void>;
  /** Runs on shutdown before the database closes. */
  onStop?: () => Promise<void>;
  /** Extra readiness checks; throw when not ready. */
  ready?: (app: SubgraphApp<Loaders, Config>) => Promise<void>;
}

export interface SubgraphOptions<Config> {
  env?: Env;
  config?: Partial<Config>;
  /** Replaces the real service client (resolver tests stub other subgraphs). */
  services?: ServiceClient;
}

export interface SubgraphApp<Loaders = unknown, Config extends SubgraphConfig = SubgraphConfig> {
  definition: SubgraphDefinition<Loaders, Config>;
  config: Config;
  log: Logger;
  orm: MikroORM;
  server: ApolloServer<SubgraphContext<Loaders, Config>>;
  services: ServiceClient;
  rateLimiter: RateLimiter;
  typeDefs: DocumentNode;
  /** A context for work outside a request (seeding, consumers), acting as this service. */
  createContext(identity?: Identity): SubgraphContext<Loaders, Config>;
  /** Runs one operation in-process as the given identity (tests, tools). */
  execute(query: string, variables?: Record<string, unknown>, identity?: Identity): ReturnType<ApolloServer['executeOperation']>;
}

export function loadTypeDefs(schemaPath: string): DocumentNode {
  return parse(readFileSync(schemaPath, 'utf8'));
}

/** Builds the subgraph (ORM connected and migrated, Apollo server started) without opening a port. */
export async function createSubgraph<L, C extends SubgraphConfig>(
  def: SubgraphDefinition<L, C>,
  options: SubgraphOptions<C> = {},
): Promise<SubgraphApp<L, C>> {
  const env = options.env ?? process.env;
  const config = { ...(def.config ? def.config(env) : (readSubgraphConfig(def.name, env) as C)), ...options.config } as C;
  const log = createLogger({ service: def.name }, config.logLevel);
  const orm = await createORM({ databaseUrl: config.databaseUrl, entities: def.entities, migrations: def.migrations, log });
  await prepareDatabase(orm, log);
  const services = options.services ?? createServiceClient(config, def.name, log);
  const rateLimiter = createRateLimiter(config.rateLimits, log);

  const typeDefs = loadTypeDefs(def.schemaPath);
  const federated = buildSubgraphSchema([{ typeDefs, resolvers: { DateTime: DateTimeScalar, ...def.resolvers } as never }]);
  resolveEachEntityOnce(federated);
  const schema = applyMiddleware(federated, buildShield(def.permissions, federated));

  const createContext = (identity: Identity = { caller: def.name }): SubgraphContext<L, C> => {
    const requestId = randomUUID();
    const em = orm.em.fork();
    const base = { requestId, identity, user: identity.user, em, services, rateLimiter, log: log.child({ requestId }), config };
    return { ...base, loaders: def.loaders ? def.loaders(em, base) : ({} as L) };
  };

  const server = new ApolloServer<SubgraphContext<L, C>>({
    schema,
    includeStacktraceInErrorResponses: false,
    // A subgraph is reached only with a service identity, so its own introspection stays on.
    introspection: true,
    // Inline traces feed Apollo Studio, which this platform does not use. Cache-control hints are
    // not used either, and that plugin alone made Apollo wrap every field resolver to watch it.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), rejectUnstorableText()],
    formatError: (formatted, error) =>
      formatClientError(formatted, error, (err, errorId) => log.error('internal error', { errorId, err })),
  });
  await server.start();

  const app: SubgraphApp<L, C> = {
    definition: def,
    config,
    log,
    orm,
    server,
    services,
    rateLimiter,
    typeDefs,
    createContext,
    execute: (query, variables, identity) =>
      server.executeOperation({ query, variables } as GraphQLRequest, { contextValue: createContext(identity) }),
  };
  if (def.onStart) await def.onStart(app);
  return app;
}

/** Express app: /health, /ready, and /graphql behind the service-identity check. */
export function createHttpApp<L, C extends SubgraphConfig>(app: SubgraphApp<L, C>): express.Express {
  const web = express();
  web.disable('x-powered-by');
  web.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: app.config.service, uptimeSeconds: Math.round(process.uptime()) });
  });
  web.get('/ready', async (_req, res) => {
    try {
      await app.orm.em.getConnection().execute('select 1');
      if (app.definition.ready) await app.definition.ready(app);
      res.json({ status: 'ready', service: app.config.service });
    } catch (err) {
      app.log.warn('not ready', { err: (err as Error).message });
      res.status(503).json({ status: 'unavailable', service: app.config.service });
    }
  });
  web.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(app.server, {
      context: async ({ req }) => {
        const identity = await verifyServiceToken(bearer(req.headers.authorization) ?? '', app.config.serviceKeys);
        if (!identity) throw serviceIdentityRequired();
        return app.createContext(identity);
      },
    }),
  );
  web.use(jsonErrorHandler(app.log));
  return web;
}

function serviceIdentityRequired() {
  // Thrown from the context function: Apollo answers with this status and no data at all.
  return new GraphQLError('This service only answers other services of the platform.', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** Starts the subgraph on its port and stops it cleanly on SIGTERM/SIGINT. */
export async function startSubgraph<L, C extends SubgraphConfig>(def: SubgraphDefinition<L, C>): Promise<{ close(): Promise<void> }> {
  let app: SubgraphApp<L, C>;
  try {
    app = await createSubgraph(def);
  } catch (err) {
    createLogger({ service: def.name }).error('failed to start', { err });
    process.exit(1);
  }
  const httpServer = http.createServer(createHttpApp(app));
  answerClientErrors(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(app.config.port, app.config.host, resolve));
  app.log.info('subgraph ready', { port: app.config.port });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      app.log.info('shutting down');
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await app.server.stop();
      if (def.onStop) await def.onStop();
      await app.rateLimiter.close();
      await app.orm.close();
    })());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return { close };
}
