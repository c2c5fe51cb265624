#!/usr/bin/env node
/**
 * The Docker image's HEALTHCHECK: GET /health of the service this container runs, on 127.0.0.1.
 * One image runs any of the nine services, so the port is found the way the service finds it:
 * PORT, else <NAME>_SERVICE_PORT / GATEWAY_PORT, else its default in services.json; which service
 * runs is read from the command line of the node process running a build (…/dist/index.js).
 *
 *   node scripts/healthcheck.mjs [port]      exit 0 when /health answers 2xx within 3 s
 */
import { readdirSync, readFileSync } from 'node:fs';

// services.json is copied into the image beside this script's directory (see the Dockerfile).
const { services } = JSON.parse(readFileSync(new URL('../services.json', import.meta.url), 'utf8'));

function runningService() {
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    let cmdline;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const match = /(?:subgraphs\/(\w+)|(gateway))\/dist\/index\.js/.exec(cmdline);
    if (match) return match[1] ?? match[2];
  }
  return undefined;
}

function portOf(service) {
  if (process.argv[2]) return Number(process.argv[2]);
  if (process.env.PORT) return Number(process.env.PORT);
  if (!service) return undefined;
  const entry = services.find((s) => s.name === service);
  if (!entry) return undefined;
  return Number(process.env[entry.portEnv] ?? entry.port);
}

const port = portOf(process.argv[2] || process.env.PORT ? undefined : runningService());
if (!port) {
  console.error('healthcheck: no service running here (no node process with .../dist/index.js)');
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  (err) => {
    console.error(`healthcheck: http://127.0.0.1:${port}/health: ${err.message}`);
    process.exit(1);
  },
);
