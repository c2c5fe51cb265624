/**
 * What the checks read: the working tree's subgraph schemas, supergraph, changelog and operation
 * files, and the same at the base revision through `git show <ref>:<path>`.
 *
 * The base: SCHEMA_BASE_REF when set; else the merge base with main; on main itself the previous
 * commit (HEAD~1), or HEAD while the schema has uncommitted changes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSupergraphConfig, readSubgraphSources, type SubgraphSource } from '../supergraph';
import type { BaseRevision, SchemaCheckInput } from './check';
import type { InternalOperationFile, OperationFile } from './operations';

const SUPERGRAPH = 'schema/supergraph.graphql';
const CHANGELOG = 'schema/CHANGELOG.md';
const CLIENT_OPERATIONS = 'schema/operations';

export function readInputs(root: string, env: NodeJS.ProcessEnv = process.env): SchemaCheckInput {
  return { ...readWorkingTree(root), base: readBase(root, env) };
}

/** Everything but the base revision. */
export function readWorkingTree(root: string): Omit<SchemaCheckInput, 'base'> {
  return {
    subgraphs: readSubgraphSources(join(root, 'rover.yaml')),
    committedSupergraph: readOptional(join(root, SUPERGRAPH)),
    changelog: readOptional(join(root, CHANGELOG)) ?? '',
    clientOperations: graphqlFiles(root, CLIENT_OPERATIONS),
    internalOperations: internalOperationFiles(root),
  };
}

function readOptional(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

function graphqlFiles(root: string, dir: string): OperationFile[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ path: `${dir}/${f}`, source: readFileSync(join(absolute, f), 'utf8') }));
}

/** src/operations/<target>.graphql of every subgraph, and of the kernel (its audit call). */
function internalOperationFiles(root: string): InternalOperationFile[] {
  const packages = [join(root, 'packages/kernel'), ...readdirSync(join(root, 'subgraphs')).map((d) => join(root, 'subgraphs', d))];
  return packages.flatMap((dir) => {
    const sender = dir.endsWith('/kernel') ? 'kernel' : relative(join(root, 'subgraphs'), dir);
    return graphqlFiles(root, relative(root, join(dir, 'src/operations'))).map((f) => ({
      ...f,
      sender,
      target: f.path
        .split('/')
        .pop()!
        .replace(/\.graphql$/, ''),
    }));
  });
}

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return null;
  }
}

function resolveBaseRef(root: string, env: NodeJS.ProcessEnv): { ref: string; label: string } | null {
  const short = (ref: string) => git(root, ['rev-parse', '--short', ref])?.trim() ?? ref;
  if (env.SCHEMA_BASE_REF) {
    if (!git(root, ['rev-parse', '--verify', '--quiet', `${env.SCHEMA_BASE_REF}^{commit}`])) {
      throw new Error(`SCHEMA_BASE_REF=${env.SCHEMA_BASE_REF} is not a commit in this repository`);
    }
    return { ref: env.SCHEMA_BASE_REF, label: `SCHEMA_BASE_REF ${env.SCHEMA_BASE_REF} (${short(env.SCHEMA_BASE_REF)})` };
  }
  const head = git(root, ['rev-parse', 'HEAD'])?.trim();
  const main = ['main', 'origin/main'].find((ref) => git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]));
  if (!head || !main) return null;
  const mergeBase = git(root, ['merge-base', 'HEAD', main])?.trim();
  if (mergeBase && mergeBase !== head) return { ref: mergeBase, label: `the merge base with ${main} (${short(mergeBase)})` };
  const dirty = git(root, ['status', '--porcelain', '--', 'rover.yaml', 'subgraphs/*/schema.graphql', SUPERGRAPH])?.trim();
  if (dirty) return { ref: 'HEAD', label: `HEAD (${short('HEAD')}), as the schema has uncommitted changes` };
  if (!git(root, ['rev-parse', '--verify', '--quiet', 'HEAD~1'])) return null;
  return { ref: 'HEAD~1', label: `the previous commit on ${main} (${short('HEAD~1')})` };
}

function readBase(root: string, env: NodeJS.ProcessEnv): BaseRevision | null {
  const base = resolveBaseRef(root, env);
  if (!base) return null;
  const show = (path: string) => git(root, ['show', `${base.ref}:${path}`]);
  const roverYaml = show('rover.yaml');
  const subgraphs: SubgraphSource[] = roverYaml
    ? parseSupergraphConfig(roverYaml).flatMap((s) => {
        const sdl = show(s.path);
        return sdl === null ? [] : [{ name: s.name, url: s.url, sdl }];
      })
    : [];
  return { label: base.label, subgraphs, supergraph: show(SUPERGRAPH), changelog: show(CHANGELOG) };
}
