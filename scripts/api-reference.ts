/**
 * Writes docs/api-reference.md from schema/supergraph.graphql (see scripts/api-reference/render.ts).
 *   npm run docs:api            write it
 *   npm run docs:api -- --check fail when the committed file is stale or a public operation or
 *                               argument has no description
 * Run it after `npm run compose`; test/api-reference.test.ts checks the same.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiSchema, missingDescriptions, REFERENCE_PATH, renderApiReference } from './api-reference/render';

const root = resolve(__dirname, '..');
const out = resolve(root, REFERENCE_PATH);
const supergraph = readFileSync(resolve(root, 'schema/supergraph.graphql'), 'utf8');

const missing = missingDescriptions(apiSchema(supergraph));
if (missing.length) {
  console.error(
    `These public operations or arguments have no description (add one in subgraphs/*/schema.graphql):\n${missing.map((m) => `  - ${m}`).join('\n')}`,
  );
  process.exit(1);
}
const rendered = renderApiReference(supergraph);
if (process.argv.includes('--check')) {
  if (!existsSync(out) || readFileSync(out, 'utf8') !== rendered) {
    console.error(`${REFERENCE_PATH} is stale: run npm run docs:api and commit it.`);
    process.exit(1);
  }
  console.log(`${REFERENCE_PATH} is up to date.`);
} else {
  writeFileSync(out, rendered);
  console.log(`Wrote ${out}`);
}
