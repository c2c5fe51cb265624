/** The interval bench:tracing and bench:pool read the observability target from. */
import { intervalOf, pairedInterval, roundRatios, verdict } from '../scripts/bench/interval';

const platform = (kind: string, rounds: [number, number][]) => ({
  kind,
  label: kind,
  rounds: rounds.map(([cpuSeconds, bookings]) => ({ cpuSeconds, bookings })),
});

describe('the paired interval of the tracing bench', () => {
  it('pools the platforms of a kind within each round, CPU over bookings', () => {
    const bare = [
      platform('bare', [
        [10, 100],
        [20, 100],
      ]),
      platform('bare', [
        [30, 100],
        [20, 100],
      ]),
    ];
    const traced = [
      platform('default', [
        [22, 100],
        [21, 100],
      ]),
      platform('default', [
        [22, 100],
        [23, 100],
      ]),
    ];
    // Round 1: (22 + 22) / 200 ÷ (10 + 30) / 200 = 1.1; round 2: 44 / 40 = 1.1.
    expect(roundRatios(bare, traced).map((r) => Number(r.toFixed(6)))).toEqual([1.1, 1.1]);
    // Bookings weigh: a platform that booked twice as many counts twice.
    expect(roundRatios([platform('bare', [[10, 100]])], [platform('default', [[12, 100]]), platform('default', [[36, 300]])])[0]).toBeCloseTo(1.2, 9);
  });

  it('gives the geometric mean with a t-interval on the logarithms, and reads it against the target', () => {
    const ratios = [1.05, 1.06, 1.07, 1.06, 1.05];
    const logs = ratios.map(Math.log);
    const mean = logs.reduce((a, b) => a + b) / 5;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    const i = intervalOf(ratios);
    expect(i.rounds).toBe(5);
    expect(i.mean).toBeCloseTo(Math.exp(mean), 12);
    expect(i.high).toBeCloseTo(Math.exp(mean + (2.776 * sd) / Math.sqrt(5)), 12);
    expect(i.low).toBeCloseTo(Math.exp(mean - (2.776 * sd) / Math.sqrt(5)), 12);
    expect(verdict(i, 1.1)).toBe('within the target beyond the noise');
    expect(verdict(intervalOf([1.08, 1.12, 1.1]), 1.1)).toBe('not decided (the interval spans the target)');
    expect(verdict(intervalOf([1.2, 1.21, 1.19]), 1.1)).toBe('over the target beyond the noise');
    // One round has no spread to judge by: never within.
    expect(intervalOf([1.01]).high).toBe(Infinity);
    // Beyond 31 rounds, the normal quantile.
    const many = Array.from({ length: 40 }, (_, k) => (k % 2 ? 1.06 : 1.08));
    const lm = many.map(Math.log);
    const m = lm.reduce((a, b) => a + b) / 40;
    const s = Math.sqrt(lm.reduce((a, b) => a + (b - m) ** 2, 0) / 39);
    expect(intervalOf(many).high).toBeCloseTo(Math.exp(m + (1.96 * s) / Math.sqrt(40)), 12);
  });

  it('refuses a kind with no platform', () => {
    expect(() => pairedInterval([], [platform('default', [[1, 1]])])).toThrow(/no platform/);
  });
});
