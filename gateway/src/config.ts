import { resolve } from 'node:path';
import { readQueryLimits, type QueryLimits } from './armor';
import { DEFAULT_PORTS, EnvReader, readPlatformConfig, type Env, type PlatformConfig } from '@wsb/kernel';

export interface GatewayConfig extends PlatformConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /** The document Sandbox opens with (schema/operations/sandbox.graphql, checked by npm run schema:check). */
  sandboxDocumentPath: string;
  /** Introspection and the Sandbox landing page: on in development, off in production unless enabled. */
  introspection: boolean;
  sandbox: boolean;
  /** Express `trust proxy` value: only these peers may set X-Forwarded-For (none by default). */
  trustedProxies: string | false;
  queryLimits: QueryLimits;
}

function bool(r: EnvReader, name: string, fallback: boolean): boolean {
  const raw = r.optional(name);
  if (raw === undefined) return fallback;
  if (!['true', 'false', '1', '0'].includes(raw)) r.problems.push(`${name} must be true or false, got "${raw}"`);
  return raw === 'true' || raw === '1';
}

export function readGatewayConfig(env: Env = process.env): GatewayConfig {
  const r = new EnvReader(env);
  const platform = readPlatformConfig(r);
  const development = platform.nodeEnv !== 'production';
  const config: GatewayConfig = {
    ...platform,
    port: r.int('PORT', r.int('GATEWAY_PORT', DEFAULT_PORTS.gateway, { max: 65535 }), { max: 65535 }),
    host: r.str('HOST', '0.0.0.0'),
    supergraphPath: r.str('SUPERGRAPH_PATH', resolve(__dirname, '../../schema/supergraph.graphql')),
    sandboxDocumentPath: r.str('SANDBOX_DOCUMENT_PATH', resolve(__dirname, '../../schema/operations/sandbox.graphql')),
    introspection: bool(r, 'GRAPHQL_INTROSPECTION', development),
    sandbox: bool(r, 'GRAPHQL_SANDBOX', development),
    trustedProxies: r.optional('TRUSTED_PROXIES') ?? false,
    queryLimits: readQueryLimits(r, !development),
  };
  r.done();
  return config;
}
