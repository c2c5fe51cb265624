/**
 * Rate limits shared by every instance of every process: counters live in Redis (ioredis +
 * rate-limiter-flexible) when REDIS_URL is set. If Redis is unreachable the limiter falls back to
 * a per-process memory limiter (the insurance limiter) and logs it: serving with looser, per-process
 * limits beats refusing every request while Redis is down. Without REDIS_URL (the zero-setup
 * start) the per-process limiter is the only one.
 */
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EnvReader } from './config';
import { RateLimitedError } from './errors';
import type { Logger } from './logger';
import { Gauge } from 'prom-client';
import type { Metrics } from './metrics';

export const RATE_LIMITS = {
  /** Mutations per signed-in user. */
  mutation: { env: 'RATE_LIMIT_MUTATIONS_PER_MINUTE', points: 120, duration: 60 },
  /** Requests per client IP from anonymous callers. */
  anonymous: { env: 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', points: 300, duration: 60 },
  /** login/register attempts per email, against brute force. */
  authEmail: { env: 'RATE_LIMIT_AUTH_PER_EMAIL', points: 10, duration: 900 },
  /** login/register attempts per client IP. */
  authIp: { env: 'RATE_LIMIT_AUTH_PER_IP', points: 50, duration: 900 },
} as const;
export type RateLimitKind = keyof typeof RATE_LIMITS;

export interface RateLimitConfig {
  redisUrl?: string;
  /** Namespace of the counters in Redis, so several platforms (or test runs) can share one Redis. */
  keyPrefix: string;
  limits: Record<RateLimitKind, { points: number; duration: number }>;
}

export function readRateLimitConfig(r: EnvReader): RateLimitConfig {
  const limits = Object.fromEntries(
    Object.entries(RATE_LIMITS).map(([kind, spec]) => [kind, { points: r.int(spec.env, spec.points, { min: 1, max: 10_000_000 }), duration: spec.duration }]),
  ) as RateLimitConfig['limits'];
  return { redisUrl: r.optional('REDIS_URL'), keyPrefix: r.str('RATE_LIMIT_KEY_PREFIX', 'wsb'), limits };
}

export interface RateLimiter {
  /** Counts one request for `key`; throws RATE_LIMITED with retryAfter once over the limit. */
  consume(kind: RateLimitKind, key: string): Promise<void>;
  /** Whether counters are shared through Redis right now. */
  shared(): boolean;
  close(): Promise<void>;
}

/** ioredis is loaded only with REDIS_URL set: without it a process never pays its memory. */
function loadIoredis(): typeof Redis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return (require('ioredis') as typeof import('ioredis')).default;
}

/** The per-process limiter standing in for Redis: each check it makes is counted as a fallback. */
class FallbackLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onFallback: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    this.onFallback();
    return super.consume(...args);
  }
}

/** `metrics`: refusals (wsb_rate_limit_refusals_total) and Redis fallbacks (wsb_rate_limit_fallbacks_total) by rule, and whether the counters are shared right now (wsb_rate_limit_shared). */
export function createRateLimiter(config: RateLimitConfig, log: Logger, metrics?: Metrics): RateLimiter {
  const redis = config.redisUrl
    ? new (loadIoredis())(config.redisUrl, {
        // Fail fast instead of queueing while Redis is down, so the insurance limiter takes over.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(times * 200, 5000),
      })
    : undefined;
  // Said once per outage: when the connection reports an error, or when a limit first had to be
  // counted by this process alone (which can come before the reconnection's error).
  let redisDown = false;
  const fellBack = (reason: string) => {
    if (!redisDown) log.warn('Redis unavailable: rate limits fall back to this process only', { err: reason });
    redisDown = true;
  };
  redis?.on('error', (err) => fellBack(err.message));
  const shared = () => Boolean(redis) && redis?.status === 'ready';
  if (redis && metrics) {
    new Gauge({
      name: 'wsb_rate_limit_shared',
      help: 'Whether rate limits are counted in Redis, shared by every instance (1), or by this process alone while Redis is unavailable (0).',
      registers: [metrics.registry],
      collect() {
        this.set(shared() ? 1 : 0);
      },
    });
  }
  redis?.on('ready', () => {
    if (redisDown) log.info('Redis is back: rate limits are shared again');
    redisDown = false;
  });

  const limiters = Object.fromEntries(
    Object.entries(config.limits).map(([kind, { points, duration }]) => {
      const options = { points, duration, keyPrefix: `${config.keyPrefix}:${kind}` };
      const fallbacks = redis ? metrics?.rateLimitFallbacks.labels(kind) : undefined;
      fallbacks?.inc(0); // every rule's series from the start, at 0
      const memory = redis
        ? new FallbackLimiter(options, () => {
            fallbacks?.inc();
            fellBack(`not connected (${redis.status})`);
          })
        : new RateLimiterMemory(options);
      const limiter: RateLimiterAbstract = redis
        ? new RateLimiterRedis({
            storeClient: redis,
            points,
            duration,
            keyPrefix: `${config.keyPrefix}:rl:${kind}`,
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          })
        : memory;
      return [kind, limiter];
    }),
  ) as Record<RateLimitKind, RateLimiterAbstract>;
  const refusals = Object.fromEntries(Object.keys(config.limits).map((kind) => [kind, metrics?.rateLimitRefusals.labels(kind)]));
  for (const child of Object.values(refusals)) child?.inc(0);

  return {
    async consume(kind, key) {
      try {
        await limiters[kind].consume(key);
      } catch (res) {
        if (res instanceof RateLimiterRes) {
          refusals[kind]?.inc();
          throw new RateLimitedError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
        }
        throw res;
      }
    },
    shared,
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
