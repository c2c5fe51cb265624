/**
 * npm run bench:pool -- <run.json> [<run.json> ...] [--under bare] [--over default] [--target 1.1]
 *
 * Pools saved bench:tracing runs (`--save run.json`) of the same build: every round of every run is
 * one sample, its `over` platforms' CPU per booking ÷ its `under` platforms' (each kind pooled
 * within the round), and the report gives each run's figure and all rounds' together, as the
 * geometric mean with a 95 % t-interval. Runs differ in their machine's speed; a round's ratio
 * compares platforms measured minutes apart in the same run, so rounds of several runs pool. It
 * exits with 1 unless the pooled interval's top is at most the target.
 */
import { readFileSync } from 'node:fs';
import { arg } from '../cli';
import { describeInterval, intervalOf, roundRatios, verdict, type SavedPlatform } from './interval';

const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
if (!files.length) {
  console.error('usage: npm run bench:pool -- <run.json> [<run.json> ...] [--under bare] [--over default] [--target 1.1]');
  process.exit(2);
}
const under = arg('under') ?? 'bare';
const over = arg('over') ?? 'default';
const target = Number(arg('target') ?? 1.1);

const all: number[] = [];
for (const file of files) {
  const run = JSON.parse(readFileSync(file, 'utf8')) as { platforms: SavedPlatform[] };
  const ratios = roundRatios(
    run.platforms.filter((p) => p.kind === under),
    run.platforms.filter((p) => p.kind === over),
  );
  all.push(...ratios);
  console.log(`${file}: ${describeInterval(intervalOf(ratios))}; per round ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
}
const pooled = intervalOf(all);
console.log(`${over} ÷ ${under}, all ${files.length} runs: ${describeInterval(pooled)}: ${verdict(pooled, target)}.`);
// A check as well as a report: it fails unless the pooled interval lies wholly within the target.
if (pooled.high > target) process.exitCode = 1;
