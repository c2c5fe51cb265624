import { resolve } from 'node:path';
import { readQueryLimits, type QueryLimits } from './armor';
import { DEFAULT_PORTS, EnvReader, readPlatformConfig, serviceEntry, type Env, type PlatformConfig } from '@wsb/kernel';

export interface GatewayConfig extends PlatformConfig {
  port: number;
  host: string;
  /** Prometheus /metrics, on a port of its own (off the public API); 0 picks a free one. */
  metricsPort: number;
  supergraphPath: string;
  /** The document Sandbox opens with (schema/operations/sandbox.graphql, checked by npm run schema:check). */
  sandboxDocumentPath: string;
  /** Introspection and the Sandbox landing page: on in development, off in production unless enabled. */
  introspection: boolean;
  sandbox: boolean;
  /** Express `trust proxy` value: only these peers may set X-Forwarded-For (none by default). */
  trustedProxies: string | false;
  queryLimits: QueryLimits;
  /** Browser origins allowed to call the API (CORS); in development the hosted Apollo Sandbox by default. */
  corsOrigins: string[];
}

/** Apollo's hosted Sandbox and Explorer, which a developer points at a local gateway. */
const HOSTED_SANDBOX = 'https://studio.apollographql.com';

export function readGatewayConfig(env: Env = process.env): GatewayConfig {
  const r = new EnvReader(env);
  const platform = readPlatformConfig(r);
  const development = platform.nodeEnv !== 'production';
  const port = r.int('PORT', r.int(serviceEntry('gateway').portEnv, DEFAULT_PORTS.gateway, { max: 65535 }), { max: 65535 });
  const config: GatewayConfig = {
    ...platform,
    port,
    // 9464 is the customary Prometheus exporter port; a gateway on a random port (tests) gets a random one too.
    metricsPort: r.int('GATEWAY_METRICS_PORT', port === 0 ? 0 : 9464, { max: 65535 }),
    host: r.str('HOST', '0.0.0.0'),
    supergraphPath: r.str('SUPERGRAPH_PATH', resolve(__dirname, '../../schema/supergraph.graphql')),
    sandboxDocumentPath: r.str('SANDBOX_DOCUMENT_PATH', resolve(__dirname, '../../schema/operations/sandbox.graphql')),
    introspection: r.bool('GRAPHQL_INTROSPECTION', development),
    sandbox: r.bool('GRAPHQL_SANDBOX', development),
    trustedProxies: r.optional('TRUSTED_PROXIES') ?? false,
    queryLimits: readQueryLimits(r, !development),
    corsOrigins: (r.optional('CORS_ORIGINS') ?? (development ? HOSTED_SANDBOX : ''))
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
  r.done();
  return config;
}
