/**
 * Compares two platforms' CPU profiles per booking, from a `WSB_PROFILE=<dir> npm run bench:tracing`
 * run (ideally --together, so both ran under the same machine conditions):
 *   node scripts/bench/profile-diff.cjs <dir> [A] [B] [top]
 * A and B are variant folders in <dir> (default: the first two); window.json there gives the
 * measured rounds' time span and each variant's bookings in it. Prints, per process and summed,
 * busy µs per booking in A and B, then the packages and functions (self time) whose cost per
 * booking grew or shrank the most from A to B. Self time only: a wrapper such as a context
 * manager's `with` is charged only for its own frames, not for the request it runs.
 * The profiler samples wall time: a process descheduled inside a syscall is charged for the wait.
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadProfile, frameName, packageOf, forEachSample, isIdle, add } = require('./profile-lib.cjs');

const [dir, aArg, bArg, topArg = '25'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/bench/profile-diff.cjs <dir> [variantA] [variantB] [top]');
  process.exit(2);
}
const window = JSON.parse(fs.readFileSync(path.join(dir, 'window.json'), 'utf8'));
const pick = (arg, i) => (arg ? window.variants.find((v) => v.folder === arg || v.label === arg) : window.variants[i]);
const [A, B] = [pick(aArg, 0), pick(bArg, 1)];
if (!A || !B) throw new Error(`variants: ${window.variants.map((v) => v.folder).join(', ')}`);

/** Per process (the file name up to its first dot), self µs per booking by package and by function. */
function perBooking(variant) {
  const folder = path.join(dir, variant.folder);
  const processes = new Map();
  for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.cpuprofile'))) {
    const loaded = loadProfile(path.join(folder, file));
    const stats = { busy: 0, packages: new Map(), functions: new Map() };
    forEachSample(loaded, window.from, window.to, (node, delta) => {
      if (isIdle(node)) return;
      const us = delta / variant.bookings;
      stats.busy += us;
      add(stats.packages, packageOf(node), us);
      add(stats.functions, frameName(node), us);
    });
    processes.set(file.split('.')[0], stats);
  }
  return processes;
}

const [a, b] = [perBooking(A), perBooking(B)];
const ms = (us) => (us / 1000).toFixed(3).padStart(8);
/** A difference in ms with its sign. */
const signed = (us) => `${us >= 0 ? '+' : ''}${(us / 1000).toFixed(3)}`;
/** A process's (or all processes') busy ms per booking in A and B, their difference and ratio. */
const row = (name, x, y) => `${name.padEnd(24)} ${ms(x)} ${ms(y)}  ${signed(y - x)}  ×${(y / x).toFixed(3)}`;
console.log(`${A.label} (${A.bookings} bookings) → ${B.label} (${B.bookings} bookings), busy ms per booking, self time`);
let totalA = 0;
let totalB = 0;
for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
  const [x, y] = [a.get(name)?.busy ?? 0, b.get(name)?.busy ?? 0];
  totalA += x;
  totalB += y;
  console.log(row(name, x, y));
}
console.log(row('all', totalA, totalB));

for (const key of ['packages', 'functions']) {
  const delta = new Map();
  for (const [processes, sign] of [
    [a, -1],
    [b, 1],
  ])
    for (const [name, stats] of processes) for (const [k, us] of stats[key]) add(delta, `${name}: ${k}`, sign * us);
  const sorted = [...delta].sort((x, y) => y[1] - x[1]);
  const top = Number(topArg);
  const line = ([k, us]) => `${signed(us).padStart(8)} ms  ${k}`;
  console.log(`--- ${key}: grew most\n${sorted.slice(0, top).map(line).join('\n')}`);
  console.log(
    `--- ${key}: shrank most\n${sorted
      .slice(-Math.ceil(top / 2))
      .reverse()
      .map(line)
      .join('\n')}`,
  );
}
