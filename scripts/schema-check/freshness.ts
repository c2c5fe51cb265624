/**
 * Generated files that must match their sources: each package's codegen output (typed resolvers
 * and typed operations, `npm run codegen`) and the recorded client operations
 * (`npm run schema:operations`). Generated in memory and compared, never written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { recordOperations } from '../schema-operations/extract';
import type { Section } from './check';

interface GeneratedFile {
  path: string;
  content: string;
}

/** The files `npm run codegen` would write, for the packages in `dirs` (default: all with a codegen.ts). */
async function codegenOutputs(root: string, dirs = codegenPackages(root)): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  for (const dir of dirs) {
    const config = ((await import(join(dir, 'codegen.ts'))) as { default: CodegenConfig }).default;
    const outputs: { filename: string; content: string }[] = await generate({ ...config, cwd: dir, silent: true }, false);
    files.push(...outputs.map((o) => ({ path: relative(root, o.filename), content: o.content })));
  }
  return files;
}

function codegenPackages(root: string): string[] {
  return [
    join(root, 'packages/kernel'),
    ...readdirSync(join(root, 'subgraphs'))
      .sort()
      .map((d) => join(root, 'subgraphs', d)),
  ].filter((dir) => existsSync(join(dir, 'codegen.ts')));
}

/** The files of expected whose content on disk (under root) differs, with the command that fixes them. */
function staleFiles(root: string, expected: GeneratedFile[], fix: string): string[] {
  return expected
    .filter((f) => {
      const path = join(root, f.path);
      return !existsSync(path) || readFileSync(path, 'utf8') !== f.content;
    })
    .map((f) => `${f.path} is ${existsSync(join(root, f.path)) ? 'stale' : 'missing'}: run ${fix} and commit it`);
}

export async function checkGeneratedFiles(root: string): Promise<Section> {
  const problems = staleFiles(
    root,
    recordOperations(root).map((r) => ({ path: `schema/operations/${r.path}`, content: r.content })),
    'npm run schema:operations',
  );
  try {
    problems.push(...staleFiles(root, await codegenOutputs(root), 'npm run codegen'));
  } catch (err) {
    problems.push(`npm run codegen fails: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
  }
  return {
    id: 'f',
    title: 'Generated files (codegen, recorded operations)',
    ok: problems.length === 0,
    lines: problems.length ? problems.map((p) => `✗ ${p}`) : ['✓ src/__generated__/ and schema/operations/ are up to date'],
  };
}
