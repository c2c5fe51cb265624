/**
 * `npm run build` (scripts/build.mjs): every workspace compiles to dist/index.js; a service's
 * bundle requires the workspace packages from their own builds (so what they require resolves
 * where npm installed it) and nothing from the registry that its package.json does not list in
 * `dependencies`; the files a service reads at run time are found from dist/ as from src/.
 * The services themselves run from these bundles in every end-to-end test (./dev.sh start all).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const SUBGRAPHS = readdirSync(join(ROOT, 'subgraphs'));
const PACKAGES = readdirSync(join(ROOT, 'packages'));
const WORKSPACES = [...PACKAGES.map((p) => `packages/${p}`), ...SUBGRAPHS.map((s) => `subgraphs/${s}`), 'gateway'];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const bundleOf = (dir: string) => readFileSync(join(ROOT, dir, 'dist/index.js'), 'utf8');
const requiresOf = (dir: string) => [...bundleOf(dir).matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);

beforeAll(() => {
  // The same build dev.sh runs (0.5 s); dev.sh's stamp makes its next start skip it.
  execFileSync('node', ['scripts/build.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
});

describe('npm run build', () => {
  it('writes dist/index.js for every workspace', () => {
    expect(SUBGRAPHS).toHaveLength(8);
    for (const dir of WORKSPACES) expect({ dir, built: existsSync(join(ROOT, dir, 'dist/index.js')) }).toEqual({ dir, built: true });
  });

  it.each(WORKSPACES)('%s requires only its declared dependencies, and workspace packages from their builds', (dir) => {
    const declared = Object.keys(JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).dependencies ?? {});
    const required = requiresOf(dir).filter((spec) => !builtins.has(spec));
    const registry = required.filter((spec) => !spec.startsWith('.'));
    for (const spec of registry) expect({ spec, declared: declared.includes(packageName(spec)) }).toEqual({ spec, declared: true });
    // No @wsb/* package by name: node would find its TypeScript sources.
    expect(registry.filter((spec) => spec.startsWith('@wsb/'))).toEqual([]);
    for (const spec of required.filter((s) => s.startsWith('.'))) {
      const target = resolve(ROOT, dir, 'dist', spec);
      expect(target).toMatch(/\/packages\/[^/]+\/dist\/index\.js$/);
      expect(existsSync(target)).toBe(true);
      // ...and that package is declared too.
      const name = JSON.parse(readFileSync(join(dirname(dirname(target)), 'package.json'), 'utf8')).name as string;
      expect(declared).toContain(name);
    }
  });

  // The tracing instrumentations patch http and pg when they load: only what is required after them is traced.
  it.each([...SUBGRAPHS.map((s) => `subgraphs/${s}`), 'gateway'])('%s starts tracing before it requires anything else', (dir) => {
    const name = dir === 'gateway' ? 'gateway' : dir.split('/')[1];
    expect(requiresOf(dir)[0]).toMatch(/^(\.\.\/)+packages\/tracing\/dist\/index\.js$/);
    expect(bundleOf(dir)).toMatch(
      new RegExp(`require\\("[./]+packages/tracing/dist/index\\.js"\\);\\s*\\(0, import_tracing\\.startTracing\\)\\("${name}"[,)]`),
    );
  });

  it('leaves nothing of the build tools in a bundle', () => {
    for (const dir of WORKSPACES) expect(requiresOf(dir).filter((spec) => /^(tsx|esbuild|typescript|@swc\/)/.test(spec))).toEqual([]);
  });

  it.each(SUBGRAPHS)('subgraph %s finds its schema.graphql from dist/', (name) => {
    const bundle = bundleOf(`subgraphs/${name}`);
    expect(bundle).toContain(`__dirname, "../schema.graphql"`);
    expect(existsSync(resolve(ROOT, 'subgraphs', name, 'dist', '../schema.graphql'))).toBe(true);
  });

  it('the gateway finds the supergraph from dist/', () => {
    expect(bundleOf('gateway')).toContain('__dirname, "../../schema/supergraph.graphql"');
    expect(existsSync(resolve(ROOT, 'gateway/dist', '../../schema/supergraph.graphql'))).toBe(true);
  });
});
