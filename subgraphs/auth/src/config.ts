import { EnvReader, isEmail, normalizeEmail, readSubgraphConfig, type Env, type SubgraphConfig } from '@wsb/kernel';
import { DEFAULT_HASHING_LIMITS, defaultHashConcurrency, type HashingLimits } from './passwords';
import { passwordProblem } from './validation';

export interface BootstrapAdmin {
  email: string;
  password: string;
}

export interface AuthConfig extends SubgraphConfig {
  /** Lifetime of an access token; role changes reach a user at the latest when it runs out. */
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** The operator's first admin, made sure of at start-up; undefined when not configured. */
  bootstrapAdmin?: BootstrapAdmin;
  /** Password hashes and verifications at once, and how many may wait how long (see passwords.ts). */
  passwordHashing: HashingLimits;
}

export function readConfig(env: Env): AuthConfig {
  const platform = readSubgraphConfig('auth', env);
  const r = new EnvReader(env);
  const accessTokenTtlSeconds = r.int('ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30, max: 86_400 });
  const refreshTokenTtlDays = r.int('REFRESH_TOKEN_TTL_DAYS', 30, { min: 1, max: 365 });
  const threadpool = r.int('UV_THREADPOOL_SIZE', 4, { min: 1, max: 1024 });
  // By default well inside the time the gateway waits for auth, whatever SERVICE_TIMEOUT_MS is.
  const waitDefault = Math.min(DEFAULT_HASHING_LIMITS.maxWaitMs, Math.floor(platform.serviceTimeoutMs * 0.4));
  const passwordHashing: HashingLimits = {
    concurrency: r.int('PASSWORD_HASH_CONCURRENCY', defaultHashConcurrency(threadpool), { min: 1, max: 256 }),
    maxQueue: r.int('PASSWORD_HASH_MAX_QUEUE', DEFAULT_HASHING_LIMITS.maxQueue, { min: 0, max: 100_000 }),
    maxWaitMs: r.int('PASSWORD_HASH_MAX_WAIT_MS', waitDefault, { min: 10, max: 60_000 }),
  };
  if (passwordHashing.maxWaitMs >= platform.serviceTimeoutMs) {
    r.problems.push('PASSWORD_HASH_MAX_WAIT_MS must be below SERVICE_TIMEOUT_MS, so a busy answer arrives before the caller gives up');
  }
  const email = r.optional('BOOTSTRAP_ADMIN_EMAIL');
  const password = r.optional('BOOTSTRAP_ADMIN_PASSWORD');
  if (Boolean(email) !== Boolean(password)) {
    r.problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together (or neither)');
  }
  if (email && !isEmail(normalizeEmail(email))) r.problems.push('BOOTSTRAP_ADMIN_EMAIL must be a valid email address');
  const problem = password === undefined ? undefined : passwordProblem(password);
  if (problem) r.problems.push(`BOOTSTRAP_ADMIN_PASSWORD: ${problem}`);
  r.done();
  return {
    ...platform,
    accessTokenTtlSeconds,
    refreshTokenTtlDays,
    passwordHashing,
    bootstrapAdmin: email && password ? { email: normalizeEmail(email), password } : undefined,
  };
}
