/**
 * npm run schema:operations: regenerates schema/operations/readme.graphql and
 * schema/operations/e2e/*.graphql from README.md and the end-to-end tests (see extract.ts).
 * `npm run schema:check` fails while they are out of date.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { recordOperations } from './extract';

const root = resolve(__dirname, '../..');
const out = join(root, 'schema/operations');
const recorded = recordOperations(root);
for (const file of recorded) {
  mkdirSync(dirname(join(out, file.path)), { recursive: true });
  writeFileSync(join(out, file.path), file.content);
  console.log(`schema/operations/${file.path}: ${file.count} operations from ${file.source}`);
  for (const s of file.skipped) console.log(`  skipped ${file.source}:${s.line}: ${s.reason}`);
}
const written = new Set(recorded.map((f) => f.path));
for (const stale of readdirSync(join(out, 'e2e')).filter((f) => !written.has(`e2e/${f}`))) {
  rmSync(join(out, 'e2e', stale));
  console.log(`removed schema/operations/e2e/${stale} (no such test any more)`);
}
