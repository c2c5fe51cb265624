/**
 * npm run schema:check as CI runs it, on a temporary git copy of this repository: the base
 * revision chosen from git, stale generated files, SCHEMA_BASE_REF, and the comparison with a
 * `rover` found on the PATH (a stand-in script here: the real one cannot be installed offline).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkWithRover } from '../scripts/schema-check/rover';

jest.setTimeout(180_000);

const root = resolve(__dirname, '..');
let copy: string;

const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, encoding: 'utf8' });
function schemaCheck(env: Record<string, string> = {}): { status: number | null; output: string } {
  const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['scripts/schema-check/index.ts'], {
    cwd: copy,
    env: { ...process.env, SCHEMA_BASE_REF: '', ...env },
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}
function edit(path: string, change: (text: string) => string): void {
  const file = join(copy, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${path} changed nothing`);
  writeFileSync(file, after);
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'wsb-schema-check-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(root, file), join(copy, file));
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  git('init', '--quiet', '--initial-branch=main');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'add', '--all');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'main');
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('npm run schema:check on a git repository', () => {
  it('passes on main with no earlier commit, saying it has no base to compare with', () => {
    const { status, output } = schemaCheck();
    expect(output).toContain('PASS c. API changes\n     no base revision: nothing to compare with');
    expect(output).toContain('schema:check passed');
    expect(status).toBe(0);
  });

  it('on a branch, compares with the merge base of main and fails on a break and on stale generated files', () => {
    git('checkout', '--quiet', '-b', 'feature');
    edit('subgraphs/workspace/schema.graphql', (sdl) =>
      sdl.replace(/(type Workspace @key\(fields: "id"\) \{\n {2}id: ID!\n {2}name: String!\n) {2}description: String\n/, '$1'),
    );
    edit('test/e2e/reliability.test.ts', (source) => `${source}\nconst EXTRA = 'query ExtraForTheCheck { me { id } }';\n`);
    git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '--all', '-m', 'drop Workspace.description');
    const mergeBase = git('rev-parse', '--short', 'main').trim();

    const { status, output } = schemaCheck();
    expect(status).toBe(1);
    expect(output).toContain(
      `PASS a. Composition per subgraph (against the other subgraphs at the merge base with main (${mergeBase}))\n     ✓ workspace composes with the others`,
    );
    expect(output).toContain('FAIL b. Supergraph\n     ✗ schema/supergraph.graphql is stale: run npm run compose and commit it.');
    expect(output).toContain(`FAIL c. API changes since the merge base with main (${mergeBase})`);
    expect(output).toContain("✗ Workspace.description: Field 'description' was removed from object type 'Workspace' [FIELD_REMOVED]");
    expect(output).toContain('✗ schema/operations/e2e/reliability.graphql is stale: run npm run schema:operations and commit it');
    expect(output).toContain('✗ subgraphs/workspace/src/__generated__/resolvers-types.ts is stale: run npm run codegen and commit it');
    expect(output).toMatch(/schema:check failed: b\. Supergraph; c\. API changes since .*; f\. Generated files/);

    // SCHEMA_BASE_REF names the base instead: against the branch itself there is no change.
    const againstItself = schemaCheck({ SCHEMA_BASE_REF: 'feature' });
    expect(againstItself.output).toContain('PASS c. API changes since SCHEMA_BASE_REF feature');
    expect(againstItself.output).toContain('Breaking (0):');
  });
});

describe('the comparison with rover', () => {
  const supergraph = readFileSync(join(root, 'schema/supergraph.graphql'), 'utf8');
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'wsb-fake-rover-'));
    // Answers like rover: --version, and `supergraph compose` printing the file named by FAKE_ROVER_OUT.
    writeFileSync(
      join(bin, 'rover'),
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Rover 0.0.0-stand-in"; exit 0; fi\n' +
        '[ "$1 $2 $3 $4" = "supergraph compose --config rover.yaml" ] || { echo "unexpected: $*" >&2; exit 2; }\n' +
        'if [ -n "$FAKE_ROVER_FAIL" ]; then echo "error[E029]: Encountered 1 build error" >&2; exit 1; fi\ncat "$FAKE_ROVER_OUT"\n',
    );
    chmodSync(join(bin, 'rover'), 0o755);
    writeFileSync(join(bin, 'same.graphql'), supergraph);
    writeFileSync(join(bin, 'other.graphql'), supergraph.replace('type Booking', 'type Booking2'));
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const env = (extra: Record<string, string>) => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, ...extra });

  it('passes when rover composes the committed supergraph, and fails when it differs or fails', () => {
    expect(checkWithRover(root, supergraph, env({ FAKE_ROVER_OUT: join(bin, 'same.graphql') }))).toMatchObject({
      ok: true,
      lines: ['✓ Rover 0.0.0-stand-in composes schema/supergraph.graphql exactly'],
    });
    const differs = checkWithRover(root, supergraph, env({ FAKE_ROVER_OUT: join(bin, 'other.graphql') }));
    expect(differs.ok).toBe(false);
    expect(differs.lines[0]).toMatch(/^✗ Rover 0\.0\.0-stand-in: rover's supergraph differs from schema\/supergraph\.graphql/);
    const fails = checkWithRover(root, supergraph, env({ FAKE_ROVER_FAIL: '1' }));
    expect(fails).toMatchObject({
      ok: false,
      lines: ['✗ Rover 0.0.0-stand-in: rover supergraph compose failed (exit 1):', '    error[E029]: Encountered 1 build error'],
    });
  });

  it('is skipped without rover on the PATH', () => {
    const section = checkWithRover(root, supergraph, { ...process.env, PATH: '/nonexistent' });
    expect(section).toMatchObject({ ok: true, lines: ['rover is not on the PATH: skipped (the in-process composition above is the same library)'] });
  });
});
