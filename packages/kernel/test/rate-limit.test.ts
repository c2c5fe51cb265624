/** Against the machine's real Redis (REDIS_URL, default redis://127.0.0.1:6379). */
import { randomBytes } from 'node:crypto';
import { createLogger } from '../src/logger';
import { createMetrics, type Metrics } from '../src/metrics';
import type { Gauge } from 'prom-client';
import { metricValue } from '../src/testing';
import { createRateLimiter, RATE_LIMITS, type RateLimitConfig } from '../src/rate-limit';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger({ service: 'test' }, 'error');
const limits = (points: number): RateLimitConfig['limits'] =>
  Object.fromEntries(Object.keys(RATE_LIMITS).map((k) => [k, { points, duration: 60 }])) as RateLimitConfig['limits'];
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e) => `${e.code}:${e.extensions?.retryAfter > 0}`,
  );

const gaugeOf = (metrics: Metrics, name: string) => metrics.registry.getSingleMetric(name) as Gauge;

describe('rate limiter', () => {
  it('shares one limit between two instances through Redis', async () => {
    const config = { redisUrl, keyPrefix: `test-${randomBytes(4).toString('hex')}`, limits: limits(3) };
    const metrics = createMetrics('test');
    const a = createRateLimiter(config, log, metrics);
    const b = createRateLimiter(config, log);
    try {
      // Both connect to Redis in the background: wait for it (a fixed 300 ms failed on a loaded machine).
      for (const deadline = Date.now() + 5000; !(a.shared() && b.shared()) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 25));
      expect(a.shared() && b.shared()).toBe(true);
      expect(await metricValue(gaugeOf(metrics, 'wsb_rate_limit_shared'))).toBe(1);
      const results = [];
      for (const limiter of [a, b, a, b]) results.push(await codeOf(limiter.consume('anonymous', '198.51.100.1')));
      expect(results).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED:true']);
      expect(await codeOf(b.consume('anonymous', '198.51.100.2'))).toBe('OK');
      // a's refusals by rule, each rule's series there from the start; no fallback while Redis answers.
      expect(await metricValue(metrics.rateLimitRefusals, { rule: 'anonymous' })).toBe(0);
      expect(await codeOf(a.consume('anonymous', '198.51.100.1'))).toBe('RATE_LIMITED:true');
      expect(await metricValue(metrics.rateLimitRefusals, { rule: 'anonymous' })).toBe(1);
      expect(await metricValue(metrics.rateLimitRefusals, { rule: 'mutation' })).toBe(0);
      expect(await metricValue(metrics.rateLimitFallbacks, { rule: 'anonymous' })).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('falls back to a per-process limit when Redis is unreachable', async () => {
    const metrics = createMetrics('test');
    const limiter = createRateLimiter({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'down', limits: limits(2) }, log, metrics);
    try {
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await codeOf(limiter.consume('mutation', 'user-1')));
      expect(results).toEqual(['OK', 'OK', 'RATE_LIMITED:true']);
      expect(limiter.shared()).toBe(false);
      expect(await metricValue(gaugeOf(metrics, 'wsb_rate_limit_shared'))).toBe(0);
      // Every check went to the per-process limiter, and its refusal counts as one.
      expect(await metricValue(metrics.rateLimitFallbacks, { rule: 'mutation' })).toBe(3);
      expect(await metricValue(metrics.rateLimitFallbacks, { rule: 'anonymous' })).toBe(0);
      expect(await metricValue(metrics.rateLimitRefusals, { rule: 'mutation' })).toBe(1);
    } finally {
      await limiter.close();
    }
  });

  it('uses a per-process limit without REDIS_URL', async () => {
    const metrics = createMetrics('test');
    const limiter = createRateLimiter({ keyPrefix: 'mem', limits: limits(1) }, log, metrics);
    expect(await codeOf(limiter.consume('authEmail', 'a@example.com'))).toBe('OK');
    expect(await codeOf(limiter.consume('authEmail', 'a@example.com'))).toBe('RATE_LIMITED:true');
    expect(await metricValue(metrics.rateLimitRefusals, { rule: 'authEmail' })).toBe(1);
    // With no Redis configured there is nothing to fall back from.
    expect(await metricValue(metrics.rateLimitFallbacks, { rule: 'authEmail' })).toBeUndefined();
    await limiter.close();
  });
});
