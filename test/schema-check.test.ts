/**
 * npm run schema:check, one check at a time: each fails on what it guards. The inputs are the
 * repository's own schemas and operations, edited in memory; the base revision is the
 * repository as it is (so the unedited inputs pass).
 */
import { resolve } from 'node:path';
import { checkSchema, type SchemaCheckInput, type SchemaCheckReport } from '../scripts/schema-check/check';
import { readWorkingTree } from '../scripts/schema-check/inputs';

jest.setTimeout(120_000);

const root = resolve(__dirname, '..');
const tree = readWorkingTree(root);
const base = { label: 'the base', subgraphs: tree.subgraphs, supergraph: tree.committedSupergraph, changelog: tree.changelog };

/** The working tree with one subgraph's SDL edited (the edit must apply), and the base above. */
function withSubgraph(name: string, edit: (sdl: string) => string, extra: Partial<SchemaCheckInput> = {}): SchemaCheckInput {
  const subgraphs = tree.subgraphs.map((s) => {
    if (s.name !== name) return s;
    const sdl = edit(s.sdl);
    if (sdl === s.sdl) throw new Error(`the edit of ${name}'s schema changed nothing`);
    return { ...s, sdl };
  });
  return { ...tree, base, subgraphs, ...extra };
}

const section = (report: SchemaCheckReport, id: string) => report.sections.find((s) => s.id === id)!;
const failing = (report: SchemaCheckReport) => report.sections.filter((s) => !s.ok).map((s) => s.id);
const ACK = '\n- Breaking: `Workspace.description` — archived descriptions only; no client shows them\n';
const withoutDescription = (sdl: string) =>
  sdl.replace(/^type Workspace @key[^]*?\n  description: String\n/m, (m) => m.replace(/\n  description: String\n$/, '\n'));

describe('schema:check', () => {
  it('passes on the repository as it is', async () => {
    const report = await checkSchema({ ...tree, base });
    expect(report.sections.map((s) => [s.id, s.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
      ['d', true],
      ['e', true],
    ]);
    expect(section(report, 'a').lines).toEqual(['no subgraph schema changed']);
    expect(section(report, 'c').lines).toEqual(['Breaking (0):', 'Dangerous (0):', 'Safe (0):']);
  });

  it('c fails on a removed public field, and an acknowledgement added to schema/CHANGELOG.md lets it through', async () => {
    const removed = withSubgraph('workspace', withoutDescription);
    const report = await checkSchema(removed);
    expect(section(report, 'c').ok).toBe(false);
    expect(section(report, 'c').lines).toContain("  ✗ Workspace.description: Field 'description' was removed from object type 'Workspace' [FIELD_REMOVED]");
    expect(section(report, 'c').lines).toContain(
      '      not acknowledged: deprecate first, or add "- Breaking: `Workspace.description` — <why>" to schema/CHANGELOG.md',
    );
    // The supergraph is stale as well (not recomposed here); nothing else is affected.
    expect(failing(report)).toEqual(['b', 'c']);

    const acknowledged = await checkSchema({ ...removed, changelog: tree.changelog + ACK });
    expect(section(acknowledged, 'c').ok).toBe(true);
    expect(section(acknowledged, 'c').lines).toContain(`      acknowledged: ${ACK.trim()}`);

    // Only what was added since the base counts: an old line does not acknowledge a new break.
    const old = await checkSchema({ ...removed, changelog: tree.changelog + ACK, base: { ...base, changelog: tree.changelog + ACK } });
    expect(section(old, 'c').ok).toBe(false);
    // An indented line is an example, not an acknowledgement.
    const example = await checkSchema({ ...removed, changelog: tree.changelog + `\n    ${ACK.trim()}\n` });
    expect(section(example, 'c').ok).toBe(false);
    // And a line without a reason acknowledges nothing.
    const bare = await checkSchema({ ...removed, changelog: tree.changelog + '\n- Breaking: `Workspace.description`\n' });
    expect(section(bare, 'c').ok).toBe(false);
    expect(section(bare, 'c').lines[0]).toMatch(/^! schema\/CHANGELOG.md: ".*" gives no reason/);
  });

  it('c fails on a changed argument type', async () => {
    const report = await checkSchema(withSubgraph('workspace', (sdl) => sdl.replace(/(\n {2}workspaces\([^]*?after: )String/, '$1Int')));
    expect(section(report, 'c').ok).toBe(false);
    expect(section(report, 'c').lines).toContainEqual(
      expect.stringMatching(
        /^ {2}✗ Query\.workspaces\.after: Type for argument 'after' on field 'Query\.workspaces' changed from 'String' to 'Int' \[FIELD_ARGUMENT_TYPE_CHANGED\]$/,
      ),
    );
  });

  it('d fails on a removed field that a recorded client operation uses, even when the break is acknowledged', async () => {
    const report = await checkSchema(
      withSubgraph('notification', (sdl) => sdl.replace(/\n  subject: String!\n/, '\n'), {
        changelog: tree.changelog + '\n- Breaking: `Notification.subject` — moved into body\n',
      }),
    );
    expect(section(report, 'c').ok).toBe(true);
    expect(section(report, 'd').ok).toBe(false);
    const readme = section(report, 'd').lines.filter((l) => l.includes('readme.graphql'));
    expect(readme).toEqual([expect.stringMatching(/^✗ schema\/operations\/readme\.graphql:\d+:\d+ Cannot query field "subject" on type "Notification"\.$/)]);
    expect(section(report, 'd').lines).toContainEqual(expect.stringMatching(/^✗ schema\/operations\/sandbox\.graphql:\d+:\d+ Cannot query field "subject"/));
  });

  it("e fails on a removed internal field that another subgraph calls (payment's _createPayment), which the API diff cannot see", async () => {
    const report = await checkSchema(
      withSubgraph('payment', (sdl) => sdl.replace(/\n.*\n  _createPayment\(input: CreatePaymentInput!\): Payment! @inaccessible/, '')),
    );
    expect(section(report, 'c').ok).toBe(true);
    expect(section(report, 'c').lines).toContain('Breaking (0):');
    expect(section(report, 'e').ok).toBe(false);
    expect(section(report, 'e').lines.filter((l) => l.startsWith('✗'))).toEqual([
      '✗ subgraphs/booking/src/operations/payment.graphql:3:3 Cannot query field "_createPayment" on type "Mutation". Did you mean "_refundPayment"?',
    ]);
  });

  it('e fails on an internal operation sent to a subgraph that does not have the field', async () => {
    const payment = tree.internalOperations.find((f) => f.path === 'subgraphs/booking/src/operations/payment.graphql')!;
    const report = await checkSchema({
      ...tree,
      base,
      internalOperations: [{ ...payment, path: 'subgraphs/booking/src/operations/user.graphql', target: 'user' }],
    });
    expect(section(report, 'e').ok).toBe(false);
    expect(section(report, 'e').lines).toContain(
      `✗ subgraphs/booking/src/operations/user.graphql:3:3 Cannot query field "_createPayment" on type "Mutation". (in user's own schema)`,
    );
  });

  it('b fails on a stale supergraph', async () => {
    const report = await checkSchema({ ...tree, base, committedSupergraph: tree.committedSupergraph!.replace('type Booking', 'type  Booking') });
    expect(failing(report)).toEqual(['b']);
    expect(section(report, 'b').lines).toEqual(['✗ schema/supergraph.graphql is stale: run npm run compose and commit it.']);
  });

  it('a and b fail on a composition error, naming the subgraphs, the type and the field', async () => {
    const report = await checkSchema(withSubgraph('payment', (sdl) => sdl.replace('type Query {', 'type Query {\n  me: String')));
    expect(section(report, 'a').ok).toBe(false);
    expect(section(report, 'a').lines).toContain('✗ payment does not compose with the others:');
    expect(section(report, 'a').lines).toContainEqual(
      expect.stringMatching(/^ {4}\[subgraph payment, user · Query\.me\] FIELD_TYPE_MISMATCH: Type of field "Query\.me" is incompatible/),
    );
    expect(section(report, 'b').lines).toContainEqual(expect.stringMatching(/^✗ \[subgraph payment, user · Query\.me\] FIELD_TYPE_MISMATCH/));
    expect(section(report, 'c').lines).toEqual(['not run: the subgraphs do not compose']);
    expect(report.ok).toBe(false);
  });
});
