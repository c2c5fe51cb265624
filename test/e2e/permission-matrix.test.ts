/**
 * The permission matrix, end to end: every field of the public API (every root field and every
 * field of every object type in the composed supergraph's API schema) against four callers:
 * anonymous, member A (who owns the fixtures), member B (another member) and the admin. The
 * expectation table (permission-matrix/expected.ts) is written from API.md; a field the schema has and the table does not
 * list fails the run, so a new field needs a decided rule. Each field is reached the way a client
 * would reach it (through the root field that leads to it), on the real processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { gql, pool } from '../support/client';
import { RAISED_RATE_LIMITS } from '@wsb/kernel/src/testing';
import { ROOT, startPlatform, type Platform, bootstrapAdminEnv } from '../support/platform';
import { ADMIN, ALSO_VIA, EXPECTED, WHO, type Fixtures, type Outcome, type Probe, type Row, type Who } from './permission-matrix/expected';
import { createFixtures, headersOf, run, session, slot } from './permission-matrix/fixtures';
import { outcome, reach, ROOT_PROBES, selectionOf } from './permission-matrix/probes';
import { renderMatrix } from './permission-matrix/render';

jest.setTimeout(240_000);

let platform: Platform;
let schema: GraphQLSchema;
let fx: Fixtures;
const observed = new Map<string, { expect: Row; got: Outcome[] }>();

/** Every Type.field of the object types of the public API schema (Query and Mutation included). */
function apiFields(): Map<string, { type: GraphQLObjectType; field: GraphQLField<unknown, unknown> }> {
  const out = new Map<string, { type: GraphQLObjectType; field: GraphQLField<unknown, unknown> }>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) out.set(`${type.name}.${field.name}`, { type, field });
  }
  return out;
}

const namesOf = (root: 'Query' | 'Mutation') => [...apiFields().keys()].filter((k) => k.startsWith(`${root}.`));
const rootProbe = (name: string, who: Who) => ROOT_PROBES[name]?.(fx, who) ?? missing(name);

async function check(names: string[], probeOf: (name: string, who: Who) => Probe | Promise<Probe>, expectOf = (name: string): Row => EXPECTED[name]) {
  const cells = names.flatMap((name) => WHO.map((who, i) => ({ name, who, i })));
  const got = await pool(cells.length, 4, async (n) => {
    const probe = await probeOf(cells[n].name, cells[n].who);
    return outcome(await run(cells[n].who, probe), probe.path);
  });
  const mismatches: string[] = [];
  cells.forEach(({ name, who, i }, n) => {
    const entry = observed.get(name) ?? { expect: expectOf(name), got: [] };
    entry.got[i] = got[n];
    observed.set(name, entry);
    if (got[n] !== entry.expect[i]) mismatches.push(`${name} as ${who}: expected ${entry.expect[i]}, got ${got[n]}`);
  });
  expect(mismatches).toEqual([]);
}

beforeAll(async () => {
  schema = Supergraph.build(readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8'))
    .apiSchema()
    .toGraphQLJSSchema();
  platform = await startPlatform({
    basePort: 13300,
    env: {
      ...bootstrapAdminEnv(ADMIN),
      ...RAISED_RATE_LIMITS,
    },
  });
  session.url = platform.gatewayUrl;
  fx = await createFixtures();
});

afterAll(async () => {
  if (observed.size) console.log(renderMatrix(observed));
  await platform?.stop();
});

describe('the permission matrix of the public API', () => {
  it('has a decided rule for every field of the composed API schema, and no rule for a field that is gone', () => {
    const fields = [...apiFields().keys()].sort();
    const listed = Object.keys(EXPECTED).sort();
    expect(fields.filter((f) => !EXPECTED[f])).toEqual([]);
    expect(listed.filter((f) => !fields.includes(f))).toEqual([]);
    // Internal operations are composed but not part of the public API.
    expect(fields.filter((f) => f.split('.')[1].startsWith('_'))).toEqual([]);
  });

  it('answers every root query field as API.md says', async () => {
    await check(namesOf('Query'), rootProbe);
  });

  it('answers every mutation as API.md says (inputs that succeed when allowed)', async () => {
    await check(namesOf('Mutation'), rootProbe);
  });

  it('answers every field of every entity and object type as API.md says, reached like a client would', async () => {
    const all = apiFields();
    const names = [...all.keys()].filter((k) => !k.startsWith('Query.') && !k.startsWith('Mutation.'));
    const probes = new Map(
      names.map((name) => {
        const { type, field } = all.get(name)!;
        return [name, reach(type.name, selectionOf(field), field.name, fx)];
      }),
    );
    await check(names, (name) => probes.get(name)!);
  });

  it('shows no more along other paths to the same data', async () => {
    const byName = new Map(ALSO_VIA.map((v) => [`via ${v.name}`, v]));
    await check(
      [...byName.keys()],
      (name) => byName.get(name)!.probe(fx),
      (name) => byName.get(name)!.expect,
    );
  });
});

function missing(name: string): never {
  throw new Error(`${name} has no probe in ROOT_PROBES`);
}

describe('authorization is decided before input validation', () => {
  const bad = { workspaceId: 'not-an-id', startsAt: slot(5, 10).startsAt, endsAt: slot(5, 9).startsAt, attendees: 0 };
  const invalidWorkspace = { name: ' ', kind: 'DESK', capacity: 0, hourlyRate: { amount: -1, currency: 'XXXX' }, timezone: 'Mars/Olympus_Mons' };
  const cases: [string, string, Record<string, unknown>, Who, string][] = [
    [
      'createBooking, malformed and reversed',
      `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id } }`,
      { i: bad },
      'anonymous',
      'UNAUTHENTICATED',
    ],
    ['cancelBooking, malformed id', `mutation { cancelBooking(id: "x") { id } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
    ['updateMe, empty name', `mutation { updateMe(input: { name: "" }) { id } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
    ['setUserRole, malformed id', `mutation { setUserRole(userId: "x", role: ADMIN) { id } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
    ['setUserRole, malformed id', `mutation { setUserRole(userId: "x", role: ADMIN) { id } }`, {}, 'memberA', 'FORBIDDEN'],
    ['setUserRole on themself', `mutation ($id: ID!) { setUserRole(userId: $id, role: ADMIN) { id } }`, { id: 'SELF' }, 'memberA', 'FORBIDDEN'],
    [
      'createWorkspace, every value invalid',
      `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`,
      { i: invalidWorkspace },
      'anonymous',
      'UNAUTHENTICATED',
    ],
    [
      'createWorkspace, every value invalid',
      `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`,
      { i: invalidWorkspace },
      'memberA',
      'FORBIDDEN',
    ],
    [
      'updateWorkspace, malformed id and values',
      `mutation { updateWorkspace(id: "x", input: { capacity: -1, timezone: "Nowhere" }) { id } }`,
      {},
      'memberB',
      'FORBIDDEN',
    ],
    ['archiveWorkspace, malformed id', `mutation { archiveWorkspace(id: "../../etc/passwd") { id } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
    ['archiveWorkspace, malformed id', `mutation { archiveWorkspace(id: "' OR 1=1 --") { id } }`, {}, 'memberA', 'FORBIDDEN'],
    ['booking, malformed id', `{ booking(id: "x") { id } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
    ['payment, malformed id', `{ payment(id: "x") { id } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
    ['user, malformed id', `{ user(id: "x") { id } }`, {}, 'memberA', 'FORBIDDEN'],
    ['users, first out of range', `{ users(first: -1) { totalCount } }`, {}, 'memberA', 'FORBIDDEN'],
    ['activity, garbage cursor', `{ activity(after: "garbage") { totalCount } }`, {}, 'memberB', 'FORBIDDEN'],
    ['adminAuditLog, first out of range', `{ adminAuditLog(first: -1) { totalCount } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
    [
      'bookingReport, range reversed',
      `query ($a: DateTime!, $b: DateTime!) { bookingReport(from: $a, to: $b) { bookingsCreated } }`,
      { a: slot(5, 0).startsAt, b: slot(1, 0).startsAt },
      'memberA',
      'FORBIDDEN',
    ],
    ['myNotifications, first out of range', `{ myNotifications(first: -1) { id } }`, {}, 'anonymous', 'UNAUTHENTICATED'],
  ];

  it.each(cases.map(([name, query, variables, who, code]) => [name, who, query, variables, code] as const))(
    '%s, as %s: the permission error, not the input error',
    async (_name, who, query, variables, code) => {
      const vars = variables.id === 'SELF' ? { id: fx[who as 'memberA'].id } : variables;
      const res = await gql(session.url, query, vars, headersOf(who));
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      expect(Object.values(res.data ?? {}).every((value) => value === null)).toBe(true);
    },
  );

  it('validates input once the caller is allowed (the same requests as an allowed caller)', async () => {
    const asAdmin = await gql(
      session.url,
      `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`,
      { i: invalidWorkspace },
      headersOf('admin'),
    );
    expect(asAdmin.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const asMember = await gql(session.url, `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id } }`, { i: bad }, headersOf('memberB'));
    expect(asMember.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    // Whose booking an id is cannot be decided before the id is one: a malformed id is BAD_USER_INPUT
    // for any signed-in caller, which tells nothing about anyone's bookings.
    const cancel = await gql(session.url, `mutation { cancelBooking(id: "x") { id } }`, {}, headersOf('memberB'));
    expect(cancel.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
