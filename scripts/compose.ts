/**
 * Composes the subgraphs named in rover.yaml with @apollo/composition (the library rover's
 * composition runs) and writes schema/supergraph.graphql.
 *   npm run compose            write the supergraph
 *   npm run compose -- --check fail when the committed supergraph is stale
 * `npm run schema:check` runs the same staleness check among its others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeSupergraph, formatProblem, supergraphStaleness } from './supergraph';

const root = resolve(__dirname, '..');
const out = resolve(root, 'schema/supergraph.graphql');
const check = process.argv.includes('--check');

const result = composeSupergraph(resolve(root, 'rover.yaml'));
if (!result.ok) {
  console.error('Composition failed:\n' + result.problems.map((p) => `  - ${formatProblem(p)}`).join('\n'));
  process.exit(1);
}
if (check) {
  const stale = supergraphStaleness(result.supergraphSdl, existsSync(out) ? readFileSync(out, 'utf8') : null);
  if (stale) {
    console.error(stale);
    process.exit(1);
  }
  console.log('schema/supergraph.graphql is up to date.');
} else {
  writeFileSync(out, result.supergraphSdl);
  console.log(`Wrote ${out}`);
}
