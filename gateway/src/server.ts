/**
 * The gateway: composes nothing at runtime; it serves the committed supergraph
 * (schema/supergraph.graphql, written by `npm run compose`) and routes each subgraph to the URL
 * from its *_SERVICE_URL setting.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
// Before @apollo/gateway: plain exports for its result shaping (see the file).
import './federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import {
  CircuitBreakers,
  SERVICE_NAMES,
  answerClientErrors,
  createLogger,
  createMetrics,
  requestIdFrom,
  requestObserver,
  requestTraceparent,
  formatClientError,
  graphqlFastPath,
  httpDrainer,
  jsonErrorHandler,
  rejectUnstorableText,
  withIncomingTrace,
  type Logger,
  type ServiceName,
} from '@wsb/kernel';
import cors from 'cors';
import express from 'express';
import proxyaddr from 'proxy-addr';
import { Counter, Histogram } from 'prom-client';
import { queryProtection } from './armor';
import type { GatewayConfig } from './config';
import { userFromRequest, type GatewayContext } from './context';
import { SignedDataSource } from './data-source';
import { toGatewayError } from './errors';
import { operationResolution } from './operation';

/** Sandbox at `/` (it posts its operations there too) and GraphQL at `/graphql`. */
const GRAPHQL_PATHS = ['/', '/graphql'] as const;

export interface Gateway {
  httpServer: http.Server;
  apollo: ApolloServer<GatewayContext>;
  log: Logger;
  url: string;
  /** Undefined with METRICS_ENABLED=false: no metrics port is opened. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  const log = createLogger({ service: 'gateway' }, config.logLevel);
  const metrics = createMetrics('gateway', { enabled: config.metricsEnabled });
  const breakers = new CircuitBreakers(config.circuitBreaker, log, metrics);
  const fetches = new Counter({
    name: 'wsb_subgraph_fetches_total',
    help: 'Fetches from the gateway to a subgraph, by subgraph and outcome (ok, error, merged into an identical one in flight).',
    labelNames: ['subgraph', 'outcome'] as const,
    registers: [metrics.registry],
  });
  const fetchSeconds = new Histogram({
    name: 'wsb_subgraph_fetch_duration_seconds',
    help: 'Duration of fetches from the gateway to a subgraph (sent ones, not merged), by subgraph and outcome (ok, error).',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics.registry],
  });
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name }) =>
      new SignedDataSource(
        name,
        `${config.serviceUrls[name as ServiceName]}/graphql`,
        config.serviceKeys,
        config.serviceTimeoutMs,
        breakers,
        metrics.enabled ? fetches : undefined,
        metrics.enabled ? fetchSeconds : undefined,
      ),
  });
  const metricsServer = metrics.enabled
    ? http.createServer(async (req, res) => {
        if (req.method !== 'GET' || req.url !== '/metrics') return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
      })
    : undefined;
  const web = express();
  web.disable('x-powered-by');
  web.set('trust proxy', config.trustedProxies);
  // CORS by allow-list: a listed origin gets the headers a browser needs; any other gets none.
  const allowedOrigins = new Set(config.corsOrigins);
  web.use(
    cors({
      origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
      allowedHeaders: ['content-type', 'authorization', 'x-request-id', 'apollo-require-preflight'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    }),
  );
  const armor = queryProtection(config.queryLimits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // index.ts handles SIGTERM (close() drains first); Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // Automatic persisted queries are not part of the API (and a mismatched hash answered as an internal error).
    persistedQueries: false,
    parseOptions: armor.parseOptions,
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      operationResolution(),
      // Counted and timed, and its line: its id, the user, and the subgraph fetches it made; an untraced
      // one's trace id from its context (a traced one's trace and span id are the logger's, from the span).
      requestObserver<GatewayContext>({
        metrics,
        describe: (ctx) => ({
          log,
          fields: {
            requestId: ctx.requestId,
            userId: ctx.user?.id,
            fetches: ctx.fetches ?? 0,
            ...(ctx.traceparent ? { traceId: ctx.traceparent.slice(3, 35), spanId: undefined } : {}),
          },
        }),
      }),
      rejectUnstorableText(),
      config.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, document: readFileSync(config.sandboxDocumentPath, 'utf8') })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: (formatted, error) =>
      toGatewayError(formatted) ?? formatClientError(formatted, error, (err, errorId) => log.error('internal error', { errorId, err })),
  });
  await apollo.start();

  const clientIpOf = (req: http.IncomingMessage) => proxyaddr(req, web.get('trust proxy fn'));
  const contextOf = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<GatewayContext> => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const traceparent = requestTraceparent(req);
    return { requestId, user: await userFromRequest(req, config.jwtSecret), clientIp: clientIpOf(req), fetches: 0, ...(traceparent ? { traceparent } : {}) };
  };
  const httpServer = http.createServer(
    withIncomingTrace(
      // A JSON POST without an Origin goes straight to Apollo; a browser's request (it carries an
      // Origin, and may need CORS headers), a GET or anything else goes through Express.
      graphqlFastPath(
        {
          server: apollo,
          paths: GRAPHQL_PATHS,
          maxBodyBytes: config.queryLimits.maxBodyBytes,
          log,
          accepts: (req) => req.headers.origin === undefined,
          context: contextOf,
        },
        web,
      ),
    ),
  );
  const drainer = httpDrainer(httpServer);
  answerClientErrors(httpServer);

  web.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway', uptimeSeconds: Math.round(process.uptime()) });
  });
  // Readiness means "can serve": the supergraph is loaded (it is, once this route exists) and the
  // gateway is not shutting down. A subgraph that is down fails only its part of a query, so it
  // must not take the whole API out of rotation; /status shows each one for people and dashboards.
  web.get('/ready', (_req, res) => {
    const stopping = drainer.draining;
    res.status(stopping ? 503 : 200).json({ status: stopping ? 'stopping' : 'ready', service: 'gateway' });
  });
  web.get('/status', async (_req, res) => {
    const readiness = await subgraphReadiness(config);
    const subgraphs = Object.fromEntries(Object.entries(readiness).map(([name, state]) => [name, { state, circuit: breakers.state(name as ServiceName) }]));
    const degraded = Object.values(readiness).some((state) => state !== 'ready');
    res.json({ status: degraded ? 'degraded' : 'ok', service: 'gateway', subgraphs });
  });
  const graphql = expressMiddleware(apollo, { context: ({ req, res }) => contextOf(req, res) });
  web.all([...GRAPHQL_PATHS], express.json({ limit: config.queryLimits.maxBodyBytes }), graphql);
  web.use(jsonErrorHandler(log));

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  if (metricsServer) await new Promise<void>((resolve) => metricsServer.listen(config.metricsPort, config.host, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const metricsAddress = metricsServer?.address();
  const metricsPort = !metricsServer ? undefined : typeof metricsAddress === 'object' && metricsAddress ? metricsAddress.port : config.metricsPort;
  log.info('gateway ready', { port, metricsPort: metricsPort ?? null });
  return {
    httpServer,
    apollo,
    log,
    url: `http://localhost:${port}`,
    metricsUrl: metricsPort === undefined ? undefined : `http://localhost:${metricsPort}/metrics`,
    // No new connections; the requests already accepted finish (their subgraph fetches included,
    // at most SHUTDOWN_DRAIN_TIMEOUT_MS) and their responses close their connections; then Apollo stops.
    close: async () => {
      const started = Date.now();
      log.info('shutting down: draining requests in flight', { timeoutMs: config.shutdownDrainTimeoutMs });
      const { graceful, inFlight } = await drainer.drain(config.shutdownDrainTimeoutMs);
      if (!graceful) log.warn('drain timed out: open connections were cut', { timeoutMs: config.shutdownDrainTimeoutMs });
      await apollo.stop();
      if (metricsServer) {
        metricsServer.closeAllConnections();
        await new Promise((resolve) => metricsServer.close(resolve));
      }
      log.info('stopped', { inFlightAtSignal: inFlight, graceful, ms: Date.now() - started });
    },
  };
}

async function subgraphReadiness(config: GatewayConfig): Promise<Record<string, 'ready' | 'unavailable'>> {
  const entries = await Promise.all(
    SERVICE_NAMES.map(async (name) => {
      try {
        const res = await fetch(`${config.serviceUrls[name]}/ready`, { signal: AbortSignal.timeout(2000) });
        return [name, res.ok ? 'ready' : 'unavailable'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
