/**
 * The paired interval bench:tracing ends with, on its own so that saved runs can be pooled
 * (scripts/bench/pool-runs.ts): one platform kind against another, round by round.
 */

/** What a run saves of one platform's measured rounds (bench:tracing --save). */
export interface SavedPlatform {
  kind: string;
  label: string;
  rounds: { cpuSeconds: number; bookings: number }[];
}

/** Two-sided 95 % quantiles of Student's t for 1 to 30 degrees of freedom; beyond, the normal 1.96. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export interface Interval {
  rounds: number;
  mean: number;
  low: number;
  high: number;
}

/** Each round's CPU per booking of `over`'s platforms pooled (their CPU ÷ their bookings) ÷ the same of `under`'s. */
export function roundRatios(under: SavedPlatform[], over: SavedPlatform[]): number[] {
  if (!under.length || !over.length) throw new Error('roundRatios: a kind has no platform');
  const rounds = Math.min(...[...under, ...over].map((p) => p.rounds.length));
  const perBooking = (platforms: SavedPlatform[], round: number) =>
    platforms.reduce((a, p) => a + p.rounds[round]!.cpuSeconds, 0) / platforms.reduce((a, p) => a + p.rounds[round]!.bookings, 0);
  return Array.from({ length: rounds }, (_, i) => perBooking(over, i) / perBooking(under, i));
}

/**
 * The geometric mean of rounds' ratios with a 95 % t-interval on their logarithms: the rounds are
 * the independent samples (the order of the platforms rotating among them).
 */
export function intervalOf(ratios: number[]): Interval {
  const logs = ratios.map(Math.log);
  const n = logs.length;
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Infinity;
  const half = ((T95[n - 2] ?? 1.96) * sd) / Math.sqrt(n);
  return { rounds: n, mean: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

/** `over` against `under`, pooled per round (see roundRatios and intervalOf). */
export const pairedInterval = (under: SavedPlatform[], over: SavedPlatform[]): Interval => intervalOf(roundRatios(under, over));

/** An interval as the reports print it: `12 rounds: ×1.070, 95 % interval ×1.050–×1.090`. */
export const describeInterval = ({ rounds, mean, low, high }: Interval): string =>
  `${rounds} rounds: ×${mean.toFixed(3)}, 95 % interval ×${low.toFixed(3)}–×${high.toFixed(3)}`;

/** How an interval reads against a limit. */
export function verdict({ low, high }: Interval, target: number): string {
  if (high <= target) return 'within the target beyond the noise';
  if (low > target) return 'over the target beyond the noise';
  return 'not decided (the interval spans the target)';
}
