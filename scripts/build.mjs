#!/usr/bin/env node
/**
 * `npm run build`: compiles every workspace (packages/*, subgraphs/*, gateway) to plain JavaScript
 * that `node` runs, with esbuild.
 *
 * Each workspace becomes one CommonJS file, <workspace>/dist/index.js (and a source map): its own
 * TypeScript is bundled; packages from the npm registry stay ordinary `require`s, so native modules
 * (argon2) and libraries that load their own files (MikroORM's drivers and migrator, Apollo) work
 * unchanged and the runtime needs exactly the production dependencies (`npm ci --omit=dev`). A
 * workspace package (@wsb/kernel, @wsb/booking-events) is required from its own build by relative
 * path (subgraphs/booking/dist -> ../../../packages/kernel/dist/index.js): one copy per process, and
 * what it requires resolves from its own directory, as npm installed it there (npm may nest a
 * package under packages/kernel/node_modules instead of hoisting it). Files read at run time keep
 * their place: subgraphs/<name>/schema.graphql is `../schema.graphql` from dist/ as it was from
 * src/, and the gateway finds schema/supergraph.graphql the same way. Types: `npm run typecheck`.
 *
 * The build fails when a workspace requires a package that is not in its own `dependencies`, so
 * nothing needed at run time hides in devDependencies or works only by hoisting.
 *
 * Usage: node scripts/build.mjs [--quiet]   (also writes the stamp dev.sh compares sources with)
 */
import { builtinModules } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const STAMP = join(ROOT, 'node_modules/.cache/wsb-build/stamp');
const quiet = process.argv.includes('--quiet');

const readJson = (file) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
/** Every process's workspace (subgraphs/<name>, gateway), from services.json. */
const SERVICES = readJson('services.json').services.map((s) => (s.subgraph ? `subgraphs/${s.name}` : s.name));
/** Workspace package name -> its directory, from the root package.json's workspaces. */
const workspaces = new Map(readdirSync(join(ROOT, 'packages')).map((dir) => [readJson(`packages/${dir}/package.json`).name, `packages/${dir}`]));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** 'a/b/c' -> 'a', '@s/a/b' -> '@s/a' */
const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Own code is bundled; a workspace package is required from its build, anything else from node_modules. */
const externals = (dir, usedWorkspaces) => ({
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      const workspace = workspaces.get(packageName(path));
      if (!workspace) return { path, external: true };
      usedWorkspaces.add(path);
      if (path !== packageName(path)) throw new Error(`${dir}: import '${packageName(path)}', not its files ('${path}')`);
      return { path: relative(join(ROOT, dir, 'dist'), join(ROOT, workspace, 'dist/index.js')), external: true };
    });
  },
});

async function compile(dir) {
  const usedWorkspaces = new Set();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [`${dir}/src/index.ts`],
    outfile: `${dir}/dist/index.js`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [externals(dir, usedWorkspaces)],
  });
  const declared = new Set(Object.keys(readJson(`${dir}/package.json`).dependencies ?? {}));
  const required = new Set([
    ...usedWorkspaces,
    ...Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.external && !builtins.has(i.path) && !i.path.startsWith('.')).map((i) => packageName(i.path)),
    ),
  ]);
  return [...required].filter((pkg) => !declared.has(pkg)).map((pkg) => `${dir} requires '${pkg}', which is not in the dependencies of ${dir}/package.json`);
}

const started = new Date();
const problems = (await Promise.all([...workspaces.values(), ...SERVICES].map(compile))).flat();
if (problems.length) {
  console.error(`build: a runtime dependency is missing from "dependencies":\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
mkdirSync(dirname(STAMP), { recursive: true });
// Dated when the build began: a source saved while it ran is newer, so the next check rebuilds.
writeFileSync(STAMP, `${started.toISOString()}\n`);
utimesSync(STAMP, started, started);
if (!quiet) console.log(`build: ${workspaces.size + SERVICES.length} workspaces -> */dist/index.js in ${Date.now() - started.getTime()} ms`);
