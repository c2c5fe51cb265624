/**
 * Everything a subgraph needs to run, so that its entry file is its name, schema, resolvers,
 * permissions and entities: the federated schema behind the permission shield, a forked entity
 * manager and fresh DataLoaders per request, the subgraph's long-lived services (runtime.ts),
 * service-identity checks, /health and /ready, and a graceful shutdown.
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
import type { Broker } from './amqp';
import { readSubgraphConfig, type Env, type ServiceName, type SubgraphConfig } from './config';
import { resolveEachEntityOnce } from './entities';
import { formatClientError, isDatabaseUnavailable } from './errors';
import { graphqlFastPath } from './graphql-http';
import { answerClientErrors, jsonErrorHandler } from './http-errors';
import { bearer, verifyServiceToken, type Identity, type UserIdentity } from './identity';
import { createLogger, type Logger } from './logger';
import { countSqlStatements, countedServiceClient, createMetrics, observeDbPool, type Metrics } from './metrics';
import { createORM, prepareDatabase } from './orm';
import { buildShield } from './permissions';
import { DateTimeScalar } from './scalars';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { currentRequest, requestIdFrom, runInRequestScope } from './request-scope';
import { requestObserver } from './request-observer';
import { BrokerSlot, ServiceError, ServiceRuntime, type Services } from './runtime';
import { createServiceClient, type ServiceClient } from './service-client';
import { httpDrainer } from './shutdown';
import { shutdownTracing, withIncomingTrace } from './tracing';
import { rejectUnstorableText } from './text-input';

export interface SubgraphContext<Loaders = unknown, Config extends SubgraphConfig = SubgraphConfig, S extends Services = Services> {
  requestId: string;
  identity: Identity;
  /** Shorthand for identity.user. */
  user?: UserIdentity;
  em: EntityManager;
  /** DataLoaders, fresh for this request. */
  loaders: Loaders;
  /** The subgraph's long-lived services (one set per process), as its definition declares them. */
  services: S;
  /** Calls to the other subgraphs. */
  subgraphs: ServiceClient;
  rateLimiter: RateLimiter;
  log: Logger;
  config: Config;
}

export interface SubgraphDefinition<Loaders = unknown, Config extends SubgraphConfig = SubgraphConfig, S extends Services = Services> {
  name: ServiceName;
  /** Path of the subgraph's schema.graphql (the SDL file is the source of truth). */
  schemaPath: string;
  resolvers: object;
  permissions: IRules;
  entities: EntitySchema<any, any>[];
  migrations: MigrationObject[];
  /** DataLoaders, created anew for every request. */
  loaders?: (em: EntityManager, ctx: Omit<SubgraphContext<unknown, Config, S>, 'loaders'>) => Loaders;
  /** Reads the subgraph's own settings on top of the platform's. */
  config?: (env: Env) => Config;
  /**
   * The long-lived services, built once per app (see runtime.ts): started in this order after the
   * migrations, checked by /ready, stopped in reverse on shutdown. Resolvers reach them as ctx.services.
   */
  services?: (app: ServiceHost<Config>) => S;
}

/** What a subgraph's services are built from: the app without its services. */
export type ServiceHost<Config extends SubgraphConfig = SubgraphConfig> = Omit<
  SubgraphApp<unknown, Config, Services>,
  'services' | 'definition' | 'server' | 'ready' | 'close'
>;

export interface SubgraphOptions<Config> {
  env?: Env;
  config?: Partial<Config>;
  /** Replaces the real client of the other subgraphs (resolver tests stub them). */
  subgraphs?: ServiceClient;
}

export interface SubgraphApp<Loaders = unknown, Config extends SubgraphConfig = SubgraphConfig, S extends Services = Services> {
  definition: SubgraphDefinition<Loaders, Config, S>;
  config: Config;
  log: Logger;
  orm: MikroORM;
  server: ApolloServer<SubgraphContext<Loaders, Config, S>>;
  /** The long-lived services, started (see SubgraphDefinition.services). */
  services: S;
  /** Calls to the other subgraphs. */
  subgraphs: ServiceClient;
  rateLimiter: RateLimiter;
  metrics: Metrics;
  typeDefs: DocumentNode;
  /** The process's one broker connection, opened on first call; undefined without AMQP_URL. */
  broker(): Broker | undefined;
  /** What /ready checks: the database, every service's ready hook, the broker. Throws when not ready. */
  ready(): Promise<void>;
  /** Stops the Apollo server, the services (reverse order), the broker, the rate limiter and the database pool. */
  close(): Promise<void>;
  /** A context for work outside a request (seeding, consumers), acting as this service. */
  createContext(identity?: Identity, requestId?: string): SubgraphContext<Loaders, Config, S>;
  /** Runs one operation in-process as the given identity (tests, tools). */
  execute(query: string, variables?: Record<string, unknown>, identity?: Identity): ReturnType<ApolloServer['executeOperation']>;
}

function loadTypeDefs(schemaPath: string): DocumentNode {
  return parse(readFileSync(schemaPath, 'utf8'));
}

/** A subgraph's settings: its own reader on top of the platform's, or the platform's alone. */
export function readDefinitionConfig<L, C extends SubgraphConfig, S extends Services>(def: SubgraphDefinition<L, C, S>, env: Env): C {
  return def.config ? def.config(env) : (readSubgraphConfig(def.name, env) as C);
}

/** Builds the subgraph (ORM connected and migrated, Apollo server and services started) without opening a port. */
export async function createSubgraph<L, C extends SubgraphConfig, S extends Services = Services>(
  def: SubgraphDefinition<L, C, S>,
  options: SubgraphOptions<C> = {},
): Promise<SubgraphApp<L, C, S>> {
  const env = options.env ?? process.env;
  const config = { ...readDefinitionConfig(def, env), ...options.config } as C;
  const log = createLogger({ service: def.name }, config.logLevel);
  const orm = await createORM({ databaseUrl: config.databaseUrl, poolMax: config.dbPoolMax, entities: def.entities, migrations: def.migrations, log });
  await prepareDatabase(orm, log);
  const metrics = createMetrics(def.name, { enabled: config.metricsEnabled });
  countSqlStatements(orm, metrics);
  observeDbPool(orm, metrics);
  const subgraphs = countedServiceClient(options.subgraphs ?? createServiceClient(config, def.name, log, metrics), metrics);
  const rateLimiter = createRateLimiter(config.rateLimits, log, metrics);

  const typeDefs = loadTypeDefs(def.schemaPath);
  const federated = buildSubgraphSchema([{ typeDefs, resolvers: { DateTime: DateTimeScalar, ...def.resolvers } as never }]);
  resolveEachEntityOnce(federated);
  const schema = applyMiddleware(federated, buildShield(def.permissions, federated));

  const broker = new BrokerSlot(config.amqp, log, def.name, metrics);
  // Built below, before any request can arrive.
  let services = {} as S;

  const createContext = (identity: Identity = { caller: def.name }, requestId: string = randomUUID()): SubgraphContext<L, C, S> => {
    const em = orm.em.fork();
    const base = { requestId, identity, user: identity.user, em, services, subgraphs, rateLimiter, log: log.child({ requestId }), config };
    return { ...base, loaders: def.loaders ? def.loaders(em, base) : ({} as L) };
  };

  const server = new ApolloServer<SubgraphContext<L, C, S>>({
    schema,
    includeStacktraceInErrorResponses: false,
    // startSubgraph handles SIGTERM itself (drain first); Apollo's own handler would stop the server
    // under the requests in flight and re-raise the signal, ending the process before it drained.
    stopOnTerminationSignals: false,
    // A subgraph is reached only with a service identity, so its own introspection stays on.
    introspection: true,
    // Inline traces feed Apollo Studio, which this platform does not use. Cache-control hints are
    // not used either, and that plugin alone made Apollo wrap every field resolver to watch it.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      rejectUnstorableText(),
      // Counted and timed, and its line: its id (the client request's, from the gateway) is the
      // logger's; who called for whom, SQL statements sent.
      requestObserver<SubgraphContext<L, C, S>>({
        metrics,
        describe: (ctx) => ({ log: ctx.log, fields: { caller: ctx.identity.caller, userId: ctx.user?.id, sql: currentRequest()?.sql ?? 0 } }),
      }),
    ],
    formatError: (formatted, error) => {
      // The client learns only that the database is unavailable; the log keeps what the driver said.
      const original = error instanceof GraphQLError ? error.originalError : error;
      if (isDatabaseUnavailable(original)) log.warn('database unavailable', { err: original });
      return formatClientError(formatted, error, (err, errorId) => log.error('internal error', { errorId, err }));
    },
  });
  await server.start();

  const host: ServiceHost<C> = {
    config,
    log,
    orm,
    subgraphs,
    rateLimiter,
    metrics,
    typeDefs,
    broker: () => broker.get(),
    createContext: createContext as ServiceHost<C>['createContext'],
    execute: (query, variables, identity) => server.executeOperation({ query, variables } as GraphQLRequest, { contextValue: createContext(identity) }),
  };
  const runtime = new ServiceRuntime(def.services ? def.services(host) : ({} as S), broker, log);
  services = runtime.services;
  const app: SubgraphApp<L, C, S> = {
    ...host,
    server,
    createContext,
    definition: def,
    services,
    async ready() {
      await orm.em.getConnection().execute('select 1');
      await runtime.ready();
    },
    async close() {
      await server.stop();
      await runtime.stop();
      await rateLimiter.close();
      await orm.close();
    },
  };
  try {
    await runtime.start();
  } catch (err) {
    await app.close().catch((closeErr) => log.warn('could not close after a failed start', { err: closeErr }));
    throw err;
  }
  return app;
}

/**
 * The subgraph's HTTP handler: /health, /ready, /metrics, and /graphql behind the service-identity
 * check, each request in its trace (withIncomingTrace). JSON POSTs to /graphql take the fast path
 * (graphql-http.ts); the rest goes through Express.
 */
export function createHttpApp<L, C extends SubgraphConfig, S extends Services>(
  app: SubgraphApp<L, C, S>,
  stopping: () => boolean = () => false,
): http.RequestListener {
  // Everything a request does, down to each SQL statement, is counted against its id.
  const inRequestScope = (req: http.IncomingMessage, run: () => void) =>
    runInRequestScope({ requestId: requestIdFrom(req.headers['x-request-id']), sql: 0 }, run);
  // Only the platform's own services, by their signed service token; the request id is the scope's.
  const contextOf = async (req: http.IncomingMessage) => {
    const identity = await verifyServiceToken(bearer(req.headers.authorization) ?? '', app.config.serviceKeys);
    if (!identity) throw serviceIdentityRequired();
    return app.createContext(identity, currentRequest()?.requestId);
  };
  const web = express();
  web.disable('x-powered-by');
  web.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: app.config.service, uptimeSeconds: Math.round(process.uptime()) });
  });
  // Off the public API: a subgraph's port is reached only inside the platform.
  web.get('/metrics', async (_req, res) => {
    if (!app.metrics.enabled) return void res.status(404).json({ error: 'metrics are off (METRICS_ENABLED=false)', service: app.config.service });
    res.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  });
  web.get('/ready', async (_req, res) => {
    // A draining process takes no new work: load balancers stop sending it any.
    if (stopping()) return void res.status(503).json({ status: 'stopping', service: app.config.service });
    try {
      await app.ready();
      res.json({ status: 'ready', service: app.config.service });
    } catch (err) {
      // The log names the service that is not ready (the database when it is not a ServiceError).
      app.log.warn('not ready', { component: err instanceof ServiceError ? err.service : 'database', err: (err as Error).message });
      res.status(503).json({ status: 'unavailable', service: app.config.service });
    }
  });
  web.use(
    '/graphql',
    (req, _res, next) => inRequestScope(req, next),
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(app.server, { context: ({ req }) => contextOf(req) }),
  );
  web.use(jsonErrorHandler(app.log));
  // Each request in its trace (a server span when sampled), the fast path's as much as Express's.
  const fastPath = graphqlFastPath(
    {
      server: app.server,
      paths: ['/graphql'],
      maxBodyBytes: MAX_BODY_BYTES,
      log: app.log,
      around: inRequestScope,
      context: contextOf,
    },
    web as unknown as http.RequestListener,
  );
  return withIncomingTrace(fastPath);
}

function serviceIdentityRequired() {
  // Thrown from the context function: Apollo answers with this status and no data at all.
  return new GraphQLError('This service only answers other services of the platform.', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** The largest request body a subgraph reads. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Starts the subgraph on its port and stops it cleanly on SIGTERM/SIGINT: no new connections,
 * the requests already accepted finish (at most SHUTDOWN_DRAIN_TIMEOUT_MS, their responses
 * closing their connections), then the services stop in reverse order and the broker closes, then
 * the database pool closes and the process exits 0.
 */
export async function startSubgraph<L, C extends SubgraphConfig, S extends Services>(def: SubgraphDefinition<L, C, S>): Promise<{ close(): Promise<void> }> {
  let app: SubgraphApp<L, C, S>;
  try {
    app = await createSubgraph(def);
  } catch (err) {
    createLogger({ service: def.name }).error('failed to start', { err });
    process.exit(1);
  }
  const httpServer = http.createServer(createHttpApp(app, () => drainer.draining));
  const drainer = httpDrainer(httpServer);
  answerClientErrors(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(app.config.port, app.config.host, resolve));
  app.log.info('subgraph ready', { port: app.config.port });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const started = Date.now();
      app.log.info('shutting down: draining requests in flight', { timeoutMs: app.config.shutdownDrainTimeoutMs });
      const { graceful, inFlight } = await drainer.drain(app.config.shutdownDrainTimeoutMs);
      if (!graceful) app.log.warn('drain timed out: open connections were cut', { timeoutMs: app.config.shutdownDrainTimeoutMs });
      await app.close();
      await shutdownTracing();
      app.log.info('stopped', { inFlightAtSignal: inFlight, graceful, ms: Date.now() - started });
    })());
  process.once('exit', (code) => app.log.info('exit', { code }));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      close().then(
        () => process.exit(0),
        (err) => {
          app.log.error('shutdown failed', { err });
          process.exit(1);
        },
      );
    });
  }
  return { close };
}
