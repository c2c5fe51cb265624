/**
 * npm run schema:check — what `rover subgraph check` and a schema registry would check, run by
 * `./dev.sh test` and so by CI. See README "Changing the schema".
 *   a. each changed subgraph composed with the base revision's other subgraphs
 *   b. the full composition, and schema/supergraph.graphql up to date
 *   c. API changes since the base (breaking ones fail unless acknowledged in schema/CHANGELOG.md)
 *   d. schema/operations/ valid against the new API schema
 *   e. subgraphs' src/operations/ valid against the supergraph with @inaccessible fields
 *   f. codegen outputs and recorded operations up to date
 *   g. rover supergraph compose gives the committed supergraph (when rover is on the PATH)
 * Exit status 1 when any fails.
 */
import { resolve } from 'node:path';
import { checkSchema, formatReport } from './check';
import { checkGeneratedFiles } from './freshness';
import { readInputs } from './inputs';
import { checkWithRover } from './rover';

async function main(): Promise<number> {
  const root = resolve(process.argv[2] ?? resolve(__dirname, '../..'));
  const input = readInputs(root);
  const report = await checkSchema(input);
  report.sections.push(await checkGeneratedFiles(root), checkWithRover(root, input.committedSupergraph));
  const failed = report.sections.filter((s) => !s.ok);
  console.log(formatReport(report));
  console.log(failed.length ? `\nschema:check failed: ${failed.map((s) => `${s.id}. ${s.title}`).join('; ')}` : '\nschema:check passed');
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`schema:check could not run: ${(err as Error).message}`);
    process.exit(2);
  },
);
