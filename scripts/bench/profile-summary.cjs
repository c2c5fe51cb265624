/**
 * Summarises a V8 CPU profile (node --cpu-prof, or WSB_PROFILE=<dir> with ./dev.sh and npm run bench):
 *   node scripts/bench/profile-summary.cjs <file.cpuprofile> [windowSeconds] [skipEndSeconds] [top]
 * prints busy time by package, the top functions by self time and by inclusive time, for the
 * window of `windowSeconds` ending `skipEndSeconds` before the profile ends (0 = whole profile).
 * ANALYZE_CALLERS=<regex> [DEPTH=n] also prints the call stacks leading to matching functions.
 * SHARES='metrics=prom-client;logs=pino|sonic-boom' also prints, per label, the share of busy time
 * whose stack holds a frame matching the regex (against "function url"): a package's whole cost,
 * what it calls included, once per sample.
 *
 * The profiler samples wall time: on a loaded machine a process descheduled inside a syscall
 * (writev, say) is charged for the wait, so read I/O frames with care.
 */
const { loadProfile, frameName: name, packageOf, forEachSample, isIdle, add } = require('./profile-lib.cjs');

const [file, windowArg = '0', skipArg = '0', topArg = '40'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/bench/profile-summary.cjs <file.cpuprofile> [windowSeconds] [skipEndSeconds] [top]');
  process.exit(2);
}
const loaded = loadProfile(file);
const { profile, nodes, parentOf } = loaded;
const top = Number(topArg);

const windowEnd = profile.endTime - Number(skipArg) * 1e6;
const windowStart = Number(windowArg) > 0 ? windowEnd - Number(windowArg) * 1e6 : -Infinity;

const self = new Map();
const inclusive = new Map();
const packages = new Map();
const callers = new Map();
const callersPattern = process.env.ANALYZE_CALLERS ? new RegExp(process.env.ANALYZE_CALLERS) : undefined;
const shares = (process.env.SHARES ?? '')
  .split(';')
  .filter(Boolean)
  .map((pair) => {
    const [label, pattern] = pair.split(/=(.*)/s);
    return { label, pattern: new RegExp(pattern), us: 0 };
  });
const frameText = (n) => `${n.callFrame.functionName} ${n.callFrame.url}`;
let busy = 0;
let idle = 0;
forEachSample(loaded, windowStart, windowEnd, (node, delta) => {
  if (isIdle(node)) return void (idle += delta);
  busy += delta;
  add(self, name(node), delta);
  add(packages, packageOf(node), delta);
  const seen = new Set();
  for (let at = node.id; at !== undefined; at = parentOf.get(at)) {
    const key = name(nodes.get(at));
    if (!seen.has(key)) add(inclusive, key, delta);
    seen.add(key);
  }
  for (const share of shares) {
    for (let at = node.id; at !== undefined; at = parentOf.get(at)) {
      if (share.pattern.test(frameText(nodes.get(at)))) {
        share.us += delta;
        break;
      }
    }
  }
  if (callersPattern?.test(name(node))) {
    const frames = [];
    for (let at = parentOf.get(node.id); at !== undefined && frames.length < Number(process.env.DEPTH ?? 6); at = parentOf.get(at))
      frames.push(name(nodes.get(at)));
    add(callers, frames.join(' < '), delta);
  }
});

const table = (map, limit = top) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');

console.log(`busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`);
console.log(`--- by package\n${table(packages)}`);
console.log(`--- self time\n${table(self)}`);
console.log(`--- inclusive time\n${table(inclusive)}`);
if (shares.length)
  console.log(
    `--- shares\n${shares.map((s) => `${(s.us / 1000).toFixed(0).padStart(7)} ms ${((100 * s.us) / busy).toFixed(1).padStart(5)}%  ${s.label}`).join('\n')}`,
  );
if (callersPattern) console.log(`--- callers of ${callersPattern}\n${table(callers, 8)}`);
