/**
 * A closed-loop load generator: `concurrency` clients each send their next request when the last
 * one answers; with `perSecond`, request i also waits for its turn (i / perSecond seconds after the
 * start), so a platform that keeps up serves that rate and no more.
 */

export interface LoadResult {
  ok: number;
  /** Requests whose answer was wrong (checked by the arm): any is a failed benchmark. */
  wrong: string[];
  latenciesMs: number[];
  elapsedMs: number;
}

/**
 * Runs `request(client, i)` from `concurrency` clients for `durationMs` (or `count` requests in all).
 * `request` returns an error text when the answer is wrong, undefined when it is right.
 */
export async function runLoad(options: {
  concurrency: number;
  durationMs?: number;
  count?: number;
  /** Paced: at most this many requests a second in all (the clients still wait for their answers). */
  perSecond?: number;
  request: (client: number, i: number) => Promise<string | undefined>;
}): Promise<LoadResult> {
  const { concurrency, durationMs = Infinity, count = Infinity, perSecond, request } = options;
  const started = performance.now();
  const deadline = started + durationMs;
  const latenciesMs: number[] = [];
  const wrong: string[] = [];
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (performance.now() < deadline && issued < count) {
        const i = issued++;
        if (perSecond) {
          const due = started + (i * 1000) / perSecond;
          if (due >= deadline) break;
          if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        }
        const t0 = performance.now();
        let problem: string | undefined;
        try {
          problem = await request(client, i);
        } catch (err) {
          problem = `request failed: ${(err as Error).message}`;
        }
        latenciesMs.push(performance.now() - t0);
        if (problem) wrong.push(problem);
      }
    }),
  );
  return { ok: latenciesMs.length - wrong.length, wrong, latenciesMs, elapsedMs: performance.now() - started };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
