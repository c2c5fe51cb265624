import { isCurrency } from './money';
import { readAmqpConfig, type AmqpConfig } from './amqp';
import { readCircuitBreakerConfig, type CircuitBreakerConfig } from './circuit-breaker';
import { readRateLimitConfig, type RateLimitConfig } from './rate-limit';
import { databaseName, DEFAULT_PORTS, SERVICE_NAMES, serviceEntry, type ServiceName } from './services';

// Where every subgraph's name came from before services.ts: kept so `from './config'` still finds it.
export type { ServiceName } from './services';

/**
 * Typed configuration read once at start-up. Every setting has a default in one place and is
 * validated, so a bad value fails fast with a clear message instead of surfacing at runtime.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Collects problems while reading many variables, then throws them all at once. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(readonly env: Env = process.env) {}

  str(name: string, fallback?: string): string {
    const value = this.env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    return fallback;
  }

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  int(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  url(name: string, fallback: string): string {
    const value = this.str(name, fallback);
    try {
      new URL(value);
    } catch {
      this.problems.push(`${name} must be a URL, got "${value}"`);
    }
    return value;
  }

  /** true or false (1 or 0 also accepted). */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!['true', 'false', '1', '0'].includes(raw)) this.problems.push(`${name} must be true or false, got "${raw}"`);
    return raw === 'true' || raw === '1';
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.str(name, fallback);
    if (!allowed.includes(value as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  /** An ISO-4217 currency code this runtime knows, in any case (usd is USD); the one rule for every currency setting. */
  currency(name: string, fallback: string): string {
    const value = this.str(name, fallback).toUpperCase();
    if (!isCurrency(value)) {
      this.problems.push(`${name} must be an ISO-4217 code such as EUR, got "${value}"`);
      return fallback;
    }
    return value;
  }

  /** A wait for a service call that may still be running must outlast it: above SERVICE_TIMEOUT_MS. */
  aboveServiceTimeout(name: string, value: number, serviceTimeoutMs: number): number {
    if (value <= serviceTimeoutMs) this.problems.push(`${name} (${value}) must be above SERVICE_TIMEOUT_MS (${serviceTimeoutMs})`);
    return value;
  }

  done(): void {
    if (this.problems.length) throw new ConfigError(this.problems);
  }
}

/** Development keys, refused in production: dev.sh generates random ones for a real start. */
const DEV_JWT_SECRET = 'dev-only-user-jwt-secret-change-me-0123456789';
const DEV_SERVICE_KEYS = 'dev:dev-only-service-jwt-secret-change-me-0123456789';

export interface ServiceKey {
  kid: string;
  secret: Uint8Array;
}

export interface PlatformConfig {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** HS256 secret for end-user access tokens (auth signs, gateway verifies). */
  jwtSecret: Uint8Array;
  /** Service identity keys; the first signs, all verify, so keys rotate without downtime. */
  serviceKeys: ServiceKey[];
  /** Base URL (no /graphql) of every subgraph. */
  serviceUrls: Record<ServiceName, string>;
  /** Timeout of every inter-service call. */
  serviceTimeoutMs: number;
  circuitBreaker: CircuitBreakerConfig;
  rateLimits: RateLimitConfig;
  /** The message broker (RabbitMQ) for booking events; its url is unset in the embedded, broker-less mode. */
  amqp: AmqpConfig;
  /** On SIGTERM: how long requests already accepted may take to finish before their connections are cut. */
  shutdownDrainTimeoutMs: number;
  /** METRICS_ENABLED: Prometheus metrics collected and served (the default), or not at all. */
  metricsEnabled: boolean;
}

export function parseServiceKeys(raw: string, problems: string[]): ServiceKey[] {
  const keys = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf(':');
      const kid = at > 0 ? part.slice(0, at) : '';
      const secret = at > 0 ? part.slice(at + 1) : '';
      if (!kid || secret.length < 32) problems.push('SERVICE_JWT_KEYS entries must be kid:secret with a secret of at least 32 characters');
      return { kid, secret: new TextEncoder().encode(secret) };
    });
  if (!keys.length) problems.push('SERVICE_JWT_KEYS must name at least one kid:secret');
  return keys;
}

export function readPlatformConfig(r: EnvReader): PlatformConfig {
  const nodeEnv = r.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const production = nodeEnv === 'production';
  const jwtSecret = production ? r.str('JWT_SECRET') : r.str('JWT_SECRET', DEV_JWT_SECRET);
  if (jwtSecret && jwtSecret.length < 32) r.problems.push('JWT_SECRET must be at least 32 characters');
  const serviceKeys = parseServiceKeys(production ? r.str('SERVICE_JWT_KEYS') : r.str('SERVICE_JWT_KEYS', DEV_SERVICE_KEYS), r.problems);
  const serviceUrls = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, r.url(serviceEntry(name).urlEnv!, `http://localhost:${DEFAULT_PORTS[name]}`).replace(/\/+$/, '')]),
  ) as Record<ServiceName, string>;
  return {
    nodeEnv,
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, nodeEnv === 'test' ? 'warn' : 'info'),
    jwtSecret: new TextEncoder().encode(jwtSecret),
    serviceKeys,
    serviceUrls,
    serviceTimeoutMs: r.int('SERVICE_TIMEOUT_MS', 5000, { min: 100, max: 60000 }),
    circuitBreaker: readCircuitBreakerConfig(r),
    rateLimits: readRateLimitConfig(r),
    amqp: readAmqpConfig(r),
    shutdownDrainTimeoutMs: r.int('SHUTDOWN_DRAIN_TIMEOUT_MS', 10000, { min: 0, max: 300000 }),
    metricsEnabled: r.bool('METRICS_ENABLED', true),
  };
}

export interface SubgraphConfig extends PlatformConfig {
  service: ServiceName;
  port: number;
  host: string;
  /** This subgraph's own database; no other subgraph touches it. */
  databaseUrl: string;
  /** DB_POOL_MAX: the most connections this subgraph's pool opens to it. */
  dbPoolMax: number;
}

/** Connections a subgraph's pool opens at most, unless DB_POOL_MAX says otherwise. */
export const DEFAULT_DB_POOL_MAX = 10;

/** The database of one subgraph: DATABASE_URL names the server, the database is per subgraph. */
export function serviceDatabaseUrl(r: EnvReader, service: ServiceName): string {
  const own = r.optional(serviceEntry(service).databaseUrlEnv!);
  if (own) return own;
  const server = r.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
  const prefix = r.str('DB_NAME_PREFIX', 'wsb');
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) r.problems.push('DB_NAME_PREFIX must be lower-case letters, digits and _');
  const url = new URL(server);
  url.pathname = `/${databaseName(service, prefix)}`;
  return url.toString();
}

export function readSubgraphConfig(service: ServiceName, env: Env = process.env): SubgraphConfig {
  const r = new EnvReader(env);
  const platform = readPlatformConfig(r);
  const port = r.int('PORT', r.int(serviceEntry(service).portEnv, DEFAULT_PORTS[service], { min: 0, max: 65535 }), {
    min: 0,
    max: 65535,
  });
  const config: SubgraphConfig = {
    ...platform,
    service,
    port,
    host: r.str('HOST', '0.0.0.0'),
    databaseUrl: serviceDatabaseUrl(r, service),
    dbPoolMax: r.int('DB_POOL_MAX', DEFAULT_DB_POOL_MAX, { min: 1, max: 1000 }),
  };
  r.done();
  return config;
}

/**
 * A subgraph's config: the platform's settings, and its own that `own` reads from the same env
 * (with the platform's to check against); every problem of its own is reported at once.
 */
export function readServiceConfig<T extends object>(service: ServiceName, env: Env, own: (r: EnvReader, platform: SubgraphConfig) => T): SubgraphConfig & T {
  const platform = readSubgraphConfig(service, env);
  const r = new EnvReader(env);
  const settings = own(r, platform);
  r.done();
  return { ...platform, ...settings };
}
