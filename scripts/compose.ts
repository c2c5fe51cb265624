/**
 * Composes the subgraphs named in rover.yaml with @apollo/composition (the library rover's
 * composition runs) and writes schema/supergraph.graphql.
 *   npm run compose            write the supergraph
 *   npm run compose -- --check fail when the committed supergraph is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeSupergraph } from './supergraph';

const root = resolve(__dirname, '..');
const out = resolve(root, 'schema/supergraph.graphql');
const check = process.argv.includes('--check');

const result = composeSupergraph(resolve(root, 'rover.yaml'));
if (!result.ok) {
  console.error('Composition failed:\n' + result.errors.map((e) => `  - ${e}`).join('\n'));
  process.exit(1);
}
if (check) {
  const committed = readFileSync(out, 'utf8');
  if (committed !== result.supergraphSdl) {
    console.error(`${out} is stale: run npm run compose and commit it.`);
    process.exit(1);
  }
  console.log('schema/supergraph.graphql is up to date.');
} else {
  writeFileSync(out, result.supergraphSdl);
  console.log(`Wrote ${out} (${dirname(out)})`);
}
