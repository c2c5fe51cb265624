#!/usr/bin/env node
/**
 * `npm start -- <service>`: runs one service from the build (`npm run build`) in this very process,
 * so the service is this one plain `node` process: no launcher, no child.
 *
 *   npm run build && npm start -- booking        (or booking-service, or gateway)
 *
 * Configuration comes from the environment only (see the README's Environment table);
 * `./dev.sh start` is the way to run the whole platform with generated secrets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { services } = JSON.parse(readFileSync(join(ROOT, 'services.json'), 'utf8'));
const name = (process.argv[2] ?? '').replace(/-service$/, '');
const service = services.find((s) => s.name === name);

if (!service) {
  console.error(`usage: npm start -- <service>   (one of: ${services.map((s) => s.name).join(', ')})`);
  process.exit(2);
}
const entry = join(ROOT, service.subgraph ? `subgraphs/${name}` : name, 'dist/index.js');
if (!existsSync(entry)) {
  console.error(`${entry} does not exist: run npm run build first`);
  process.exit(1);
}
// The service reads its arguments from nowhere but the environment; drop ours.
process.argv.splice(2);
createRequire(import.meta.url)(entry);
