/**
 * What the profile scripts share: reading a V8 CPU profile (node --cpu-prof) and naming its frames.
 * A profile's times are microseconds on the monotonic clock (process.hrtime's, in every process).
 */
const fs = require('node:fs');

/** The profile in `file`, with its nodes by id and each node's parent. */
function loadProfile(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  return { profile, nodes, parentOf };
}

/** A frame as `function file:line`, the file shortened to its last two path segments. */
const frameName = (n) => {
  const { functionName, url, lineNumber } = n.callFrame;
  return `${functionName || '(anonymous)'} ${url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/')}:${lineNumber}`;
};

/** The npm package a frame is in, `own: <file>` for the project's, `node (internal)`, or V8's own label ((garbage collector)...). */
const packageOf = (n) => {
  const { url, functionName } = n.callFrame;
  const match = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (match) return match[1];
  if (!url) return functionName;
  if (url.startsWith('node:')) return 'node (internal)';
  return `own: ${url.split('/').slice(-3).join('/')}`;
};

/** Calls fn(node, deltaMicros) for every sample taken between `from` and `to` (µs, monotonic clock). */
function forEachSample({ profile, nodes }, from, to, fn) {
  let time = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i];
    time += delta;
    if (time >= from && time <= to) fn(nodes.get(id), delta);
  });
}

const isIdle = (node) => node.callFrame.functionName === '(idle)';
const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value);

module.exports = { loadProfile, frameName, packageOf, forEachSample, isIdle, add };
