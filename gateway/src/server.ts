/**
 * The gateway: composes nothing at runtime; it serves the committed supergraph
 * (schema/supergraph.graphql, written by `npm run compose`) and routes each subgraph to the URL
 * from its *_SERVICE_URL setting.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import {
  CircuitBreakers,
  SERVICE_NAMES,
  answerClientErrors,
  createLogger,
  formatClientError,
  jsonErrorHandler,
  rejectUnstorableText,
  type Logger,
  type ServiceName,
} from '@wsb/kernel';
import express from 'express';
import { queryProtection } from './armor';
import type { GatewayConfig } from './config';
import { userFromRequest, type GatewayContext } from './context';
import { SignedDataSource } from './data-source';
import { toGatewayError } from './errors';
import { operationResolution } from './operation';

export interface Gateway {
  httpServer: http.Server;
  apollo: ApolloServer<GatewayContext>;
  log: Logger;
  url: string;
  close(): Promise<void>;
}

export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  const log = createLogger({ service: 'gateway' }, config.logLevel);
  const breakers = new CircuitBreakers(config.circuitBreaker, log);
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    buildService: ({ name }) =>
      new SignedDataSource(name, `${config.serviceUrls[name as ServiceName]}/graphql`, config.serviceKeys, config.serviceTimeoutMs, breakers),
  });
  const web = express();
  web.disable('x-powered-by');
  web.set('trust proxy', config.trustedProxies);
  const httpServer = http.createServer(web);
  answerClientErrors(httpServer);
  const armor = queryProtection(config.queryLimits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
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
      rejectUnstorableText(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, document: readFileSync(config.sandboxDocumentPath, 'utf8') })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: (formatted, error) =>
      toGatewayError(formatted) ??
      formatClientError(formatted, error, (err, errorId) => log.error('internal error', { errorId, err })),
  });
  await apollo.start();

  web.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway', uptimeSeconds: Math.round(process.uptime()) });
  });
  web.get('/ready', async (_req, res) => {
    const subgraphs = await subgraphReadiness(config);
    const ready = Object.values(subgraphs).every((s) => s === 'ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', service: 'gateway', subgraphs });
  });
  const graphql = expressMiddleware(apollo, {
    context: async ({ req }) => ({
      requestId: randomUUID(),
      user: await userFromRequest(req, config.jwtSecret),
      clientIp: req.ip,
    }),
  });
  // Sandbox at `/` (it posts its operations there too) and GraphQL at `/graphql`.
  web.all(['/', '/graphql'], express.json({ limit: config.queryLimits.maxBodyBytes }), graphql);
  web.use(jsonErrorHandler(log));

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info('gateway ready', { port });
  return {
    httpServer,
    apollo,
    log,
    url: `http://localhost:${port}`,
    close: async () => {
      await apollo.stop();
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
