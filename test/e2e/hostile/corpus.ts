/**
 * The hostile corpus as data: several hundred requests a careless or malicious client might send,
 * by category, each a named case (see hostile.test.ts, which runs one test per case).
 */
import { gql } from '../../support/client';
import { SUBGRAPHS } from '../../support/platform';
import { stringsIn } from './judge';
import { asAdmin, asMember, http, JSON_HEADERS, jwt, now, op, post, raw, slot, userClaims } from './send';
import { target, type Answer, type Attack } from './target';

export const SERVICES = SUBGRAPHS;
export const ADMIN = { email: 'hostile-admin@example.com', password: 'hostile-admin-password-1' };
export const PASSWORD = 'correct-horse-1';

export const CREATE_BOOKING = `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id startsAt } }`;
export const CREATE_WORKSPACE = `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id name description timezone } }`;
const REGISTER = `mutation ($i: RegisterInput!) { register(input: $i) { user { id name email } } }`;
export const LOGIN = `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`;
export const UPDATE_ME = `mutation ($i: UpdateMeInput!) { updateMe(input: $i) { name } }`;
const AVAILABLE = `query ($id: ID!, $s: DateTime!, $e: DateTime!) { workspace(id: $id) { isAvailable(startsAt: $s, endsAt: $e) } }`;
const REPORT = `query ($f: DateTime!, $t: DateTime!) { bookingReport(from: $f, to: $t) { bookingsCreated } }`;
export const workspaceInput = (over: Record<string, unknown> = {}) => ({
  name: 'Hostile',
  kind: 'DESK',
  capacity: 2,
  hourlyRate: { amount: 1000, currency: 'EUR' },
  timezone: 'UTC',
  ...over,
});

function attack(category: string, name: string, send: () => Promise<Answer>, extra: Partial<Attack> = {}): Attack {
  return { category, name, send, ...extra };
}
/** An operation, with its variables (and query) as the inputs the answer may echo. */
function gqlAttack(
  category: string,
  name: string,
  query: string,
  variables: () => Record<string, unknown>,
  headers: () => Record<string, string> = () => ({}),
  ifOk?: Attack['ifOk'],
): Attack {
  let vars: Record<string, unknown> = {};
  const a: Attack = {
    category,
    name,
    send: () => {
      vars = variables();
      a.inputs = [...stringsIn(vars), query];
      return op(query, vars, headers());
    },
    ifOk,
  };
  return a;
}
const isNullAt = (key: string) => (data: any) => {
  expect(data?.[key]).toBeNull();
};

/** Every case, built once; the cases read the target when they are sent. */
export function corpus(): Attack[] {
  const list: Attack[] = [];
  const add = (...attacks: Attack[]) => list.push(...attacks);

  // 1. Malformed JSON
  const malformed = [
    '{',
    '{"query": ',
    "{'query': '{ me { id } }'}",
    '{"query": "{ me { id } }",}',
    '{"query": "{ me { id } }"} trailing',
    '{"query": "{ me { id } }", "variables": {"a": NaN}}',
    '{"query": "{ me { id } }", "variables": {"a": undefined}}',
    '\u0000',
    '[',
    '"',
    '{"query": "\\x41"}',
    '{"query": "{ me { id } }" "variables": {}}',
    '{"query": 0x10}',
    '{"query": "{ me { id } }", "variables": {"a": 1e999999}}',
    '{"query": "\\ud800"}',
    '\ufeff{"query": "{ me { id } }"}',
    '{"query": {"$gt": ""}}',
    '{"query": ["{ me { id } }"]}',
    '{"query": "{ me { id } }", "variables": "{}"}',
    '{"query": "{ me { id } }", "variables": [1]}',
    'null',
    '42',
    '"{ me { id } }"',
    'true',
  ];
  malformed.forEach((body, i) =>
    add(attack('malformed JSON', `body #${i}: ${JSON.stringify(body).slice(0, 40)}`, () => post(body), { inputs: [body], ifOk: isNullAt('me') })),
  );
  add(
    attack('malformed JSON', 'duplicate keys (the last wins: valid)', () => post('{"query": "{ nope }", "query": "{ me { id } }"}'), { ifOk: isNullAt('me') }),
  );
  add(
    attack(
      'malformed JSON',
      'deeply nested variables',
      () => post(`{"query": "{ me { id } }", "variables": {"x": ${'['.repeat(20000)}${']'.repeat(20000)}}}`),
      { ifOk: isNullAt('me') },
    ),
  );
  add(
    attack(
      'malformed JSON',
      'deeply nested objects',
      () => post(`{"query": "{ me { id } }", "variables": {"x": ${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}}`),
      { ifOk: isNullAt('me') },
    ),
  );
  add(
    attack('malformed JSON', 'invalid UTF-8 bytes', () =>
      post(Buffer.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])),
    ),
  );

  // 2. Wrong content types
  const body = JSON.stringify({ query: '{ me { id } }' });
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/graphql',
    'text/html',
    'application/javascript',
    'application/json-patch+json',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=nonsense',
    '*/*',
    'application/*',
    'image/png',
    'application/octet-stream',
    '',
  ]) {
    add(attack('wrong content type', `content-type "${type}"`, () => post(body, type ? { 'content-type': type } : {}), { ifOk: isNullAt('me') }));
  }
  add(
    attack(
      'wrong content type',
      'text/plain that passes the CSRF check',
      () => post(body, { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' }),
      { ifOk: isNullAt('me') },
    ),
  );
  add(attack('wrong content type', 'gzip announced, plain sent', () => post(body, { ...JSON_HEADERS, 'content-encoding': 'gzip' })));
  add(attack('wrong content type', 'an unknown content-encoding', () => post(body, { ...JSON_HEADERS, 'content-encoding': 'x-evil' })));
  add(
    attack('wrong content type', 'form-encoded query', () =>
      post('query=%7B%20me%20%7B%20id%20%7D%20%7D', { 'content-type': 'application/x-www-form-urlencoded', 'x-apollo-operation-name': 'x' }),
    ),
  );

  // 3. Wrong variable types
  const wrongTypes: [string, string, Record<string, unknown>][] = [
    ['id as an object', `query ($id: ID!) { workspace(id: $id) { id } }`, { id: { $ne: null } }],
    ['id as an array', `query ($id: ID!) { workspace(id: $id) { id } }`, { id: ['a', 'b'] }],
    ['id as a boolean', `query ($id: ID!) { booking(id: $id) { id } }`, { id: true }],
    ['id as a float', `query ($id: ID!) { booking(id: $id) { id } }`, { id: 1.5 }],
    ['Int as a string', `query ($n: Int) { workspaces(first: $n) { totalCount } }`, { n: '10' }],
    ['Int as a float', `query ($n: Int) { workspaces(first: $n) { totalCount } }`, { n: 2.5 }],
    ['Int beyond 32 bits', `query ($n: Int) { workspaces(first: $n) { totalCount } }`, { n: 2 ** 40 }],
    ['Int as Infinity-ish', `query ($n: Int) { workspaces(first: $n) { totalCount } }`, { n: 1e308 }],
    ['enum not a member', `query ($f: WorkspaceFilter) { workspaces(filter: $f) { totalCount } }`, { f: { kind: 'SPACESHIP' } }],
    ['enum as a number', `query ($f: WorkspaceFilter) { workspaces(filter: $f) { totalCount } }`, { f: { kind: 1 } }],
    ['Boolean as a string', `query ($f: WorkspaceFilter) { workspaces(filter: $f) { totalCount } }`, { f: { active: 'yes' } }],
    ['input as a string', `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id } }`, { i: 'booking please' }],
    ['input with an unknown field', CREATE_WORKSPACE, { i: { ...workspaceInput(), isAdmin: true } }],
    [
      'input with __proto__',
      `mutation ($i: UpdateMeInput!) { updateMe(input: $i) { name } }`,
      { i: JSON.parse('{"__proto__": {"role": "ADMIN"}, "name": "P"}') },
    ],
    ['nested input wrong', CREATE_WORKSPACE, { i: workspaceInput({ hourlyRate: '10 EUR' }) }],
    ['money amount as a string', CREATE_WORKSPACE, { i: workspaceInput({ hourlyRate: { amount: '1000', currency: 'EUR' } }) }],
    ['String as a number', LOGIN, { i: { email: 12345, password: 678 } }],
    ['String as an object', `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: { toString: 'x' } }],
    ['Role not a member', `mutation ($r: Role!) { setUserRole(userId: "00000000-0000-4000-8000-000000000000", role: $r) { id } }`, { r: 'ROOT' }],
    ['DateTime as an object', AVAILABLE, { id: 'WORKSPACE', s: { date: 'today' }, e: [] }],
    ['variable declared with the wrong type', `query ($id: Int!) { workspace(id: $id) { id } }`, { id: 1 }],
    ['variable of an unknown type', `query ($id: Secret!) { workspace(id: $id) { id } }`, { id: 1 }],
    ['variable of an output type', `query ($w: Workspace) { workspaces { totalCount } }`, { w: {} }],
    ['null for a non-null variable', `query ($id: ID!) { workspace(id: $id) { id } }`, { id: null }],
  ];
  for (const [name, query, vars] of wrongTypes)
    add(gqlAttack('wrong variable types', name, query, () => (vars.id === 'WORKSPACE' ? { ...vars, id: target.workspaceId } : vars), asAdmin));

  // 4. Missing required arguments and variables
  const missing: [string, string][] = [
    ['workspace without id', '{ workspace { id } }'],
    ['booking without id', '{ booking { id } }'],
    ['bookingReport without range', '{ bookingReport { bookingsCreated } }'],
    ['isAvailable without times', '{ workspaces { edges { node { isAvailable } } } }'],
    ['createBooking without input', 'mutation { createBooking { id } }'],
    ['createBooking without times', 'mutation { createBooking(input: { workspaceId: "x" }) { id } }'],
    ['register without a password', 'mutation { register(input: { email: "a@example.com", name: "A" }) { accessToken } }'],
    ['setUserRole without a role', 'mutation { setUserRole(userId: "x") { id } }'],
    ['a variable never provided', 'query ($id: ID!) { workspace(id: $id) { id } }'],
    ['a variable never declared', '{ workspace(id: $id) { id } }'],
    ['no selection on an object', '{ workspaces }'],
    ['a selection on a scalar', '{ me { id { value } } }'],
    ['an unknown field', '{ me { password } }'],
    ['an unknown argument', '{ me(as: "admin") { id } }'],
  ];
  for (const [name, query] of missing) add(gqlAttack('missing required args', name, query, () => ({}), asMember));

  // 5. Deep queries (GRAPHQL_MAX_DEPTH is 10)
  const nest = (levels: number) => {
    let inner = 'id';
    for (let i = 0; i < levels; i++) inner = i % 2 ? `booking { ${inner} }` : `payment { ${inner} }`;
    return `query ($id: ID!) { booking(id: $id) { ${inner} } }`;
  };
  for (const levels of [10, 12, 20, 40, 120])
    add(gqlAttack('deep queries', `booking/payment ${levels} levels deep`, nest(levels), () => ({ id: target.bookingId }), asMember));
  add(
    gqlAttack(
      'deep queries',
      'depth through fragments',
      `{ activity { ...A } } fragment A on ActivityConnection { edges { node { booking { ...B } } } } fragment B on Booking { payment { booking { payment { booking { payment { booking { user { bookings { edges { node { id } } } } } } } } } } }`,
      () => ({}),
      asAdmin,
    ),
  );
  add(
    gqlAttack(
      'deep queries',
      'depth through inline fragments',
      `{ me { ... on User { bookings { edges { node { ... on Booking { payment { booking { payment { booking { payment { booking { payment { id } } } } } } } } } } } } }`,
      () => ({}),
      asMember,
    ),
  );
  add(
    gqlAttack(
      'deep queries',
      'deep introspection (ofType chains)',
      `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } }`,
      () => ({}),
      () => ({}),
      (data) => {
        expect(Array.isArray(data.__schema.types)).toBe(true);
      },
    ),
  );
  add(
    gqlAttack('deep queries', 'a fragment cycle', `{ me { ...A } } fragment A on User { bookings { edges { node { user { ...A } } } } }`, () => ({}), asMember),
  );

  // 6. Alias bombs (GRAPHQL_MAX_ALIASES is 15)
  const aliases = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
  for (const n of [16, 50, 200, 600]) {
    add(gqlAttack('alias bombs', `${n} x workspaces`, aliases(n, 'workspaces { totalCount }'), () => ({})));
    add(gqlAttack('alias bombs', `${n} x __typename`, aliases(n, '__typename'), () => ({})));
  }
  add(
    gqlAttack(
      'alias bombs',
      'aliases spread through fragments',
      `{ ...F ...F2 } fragment F on Query { ${Array.from({ length: 10 }, (_, i) => `f${i}: me { id }`).join(' ')} } fragment F2 on Query { ${Array.from({ length: 10 }, (_, i) => `g${i}: me { id }`).join(' ')} }`,
      () => ({}),
    ),
  );
  add(
    gqlAttack(
      'alias bombs',
      'nested aliases',
      `{ ${Array.from({ length: 4 }, (_, i) => `w${i}: workspaces { ${Array.from({ length: 4 }, (_, j) => `e${j}: edges { cursor }`).join(' ')} }`).join(' ')} }`,
      () => ({}),
    ),
  );
  add(
    gqlAttack(
      'alias bombs',
      'aliased mutations',
      `mutation { ${Array.from({ length: 20 }, (_, i) => `m${i}: login(input: { email: "x${i}@example.com", password: "wrong-password" }) { accessToken }`).join(' ')} }`,
      () => ({}),
    ),
  );

  // 6b. Cost bombs: within depth and alias limits, over GRAPHQL_MAX_COST (1000) by list sizes
  const page = (first: string) => `myBookings(first: ${first}) { edges { node { id user { name } workspace { name } payment { status } } } }`;
  add(
    gqlAttack(
      'cost bombs',
      'a page of pages',
      '{ users(first: 100) { edges { node { bookings(first: 100) { edges { node { id } } } } } } }',
      () => ({}),
      asAdmin,
    ),
  );
  add(
    gqlAttack(
      'cost bombs',
      'pages through entities at default sizes',
      '{ me { bookings { edges { node { user { bookings { edges { node { workspace { name } } } } } } } } } }',
      () => ({}),
      asMember,
    ),
  );
  add(gqlAttack('cost bombs', '15 aliased pages', `{ ${Array.from({ length: 15 }, (_, i) => `p${i}: ${page('100')}`).join(' ')} }`, () => ({}), asMember));
  add(
    gqlAttack(
      'cost bombs',
      'aliased pages sized by a variable',
      `query ($n: Int) { a: ${page('$n')} b: ${page('$n')} c: ${page('$n')} }`,
      () => ({ n: 100 }),
      asMember,
    ),
  );
  add(
    gqlAttack(
      'cost bombs',
      'pages spread through fragments',
      `{ ...A ...B } fragment A on Query { a: ${page('100')} } fragment B on Query { b: ${page('100')} c: workspaces(first: 100) { edges { node { name } } } }`,
      () => ({}),
      asMember,
    ),
  );

  // 7. Directive floods (GRAPHQL_MAX_DIRECTIVES is 20)
  add(gqlAttack('directive floods', '21 @include on one field', `{ me ${'@include(if: true) '.repeat(21)}{ id } }`, () => ({})));
  add(gqlAttack('directive floods', '21 fields with @skip', `{ ${Array.from({ length: 21 }, () => 'me @skip(if: false) { id }').join(' ')} }`, () => ({})));
  add(gqlAttack('directive floods', '300 directives', `{ me { id ${'@include(if: true) '.repeat(300)} } }`, () => ({})));
  add(gqlAttack('directive floods', 'an unknown directive', `{ me @admin { id } }`, () => ({})));
  add(gqlAttack('directive floods', 'a schema directive in a query', `{ me @deprecated { id } }`, () => ({})));
  add(gqlAttack('directive floods', 'federation directives in a query', `{ me @key(fields: "id") @inaccessible { id } }`, () => ({})));
  add(gqlAttack('directive floods', '@skip with a non-boolean', `{ me @skip(if: "yes") { id } }`, () => ({})));
  add(
    gqlAttack(
      'directive floods',
      'directives with variables flood',
      `query (${Array.from({ length: 25 }, (_, i) => `$v${i}: Boolean!`).join(', ')}) { ${Array.from({ length: 25 }, (_, i) => `m${i}: me @include(if: $v${i}) { id }`).join(' ')} }`,
      () => Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`v${i}`, true])),
    ),
  );

  // 8. Token floods (GRAPHQL_MAX_TOKENS is 2000)
  add(gqlAttack('token floods', '2001 tokens', `{ me { ${'id '.repeat(1998)}} }`, () => ({})));
  add(gqlAttack('token floods', '20000 tokens', `{ me { ${'id '.repeat(20000)}} }`, () => ({})));
  add(
    gqlAttack('token floods', 'many arguments', `{ workspaces(${Array.from({ length: 1500 }, (_, i) => `a${i}: 1`).join(' ')}) { totalCount } }`, () => ({})),
  );
  add(gqlAttack('token floods', 'a huge list literal', `{ workspaces(first: [${'1,'.repeat(3000)}]) { totalCount } }`, () => ({})));
  add(gqlAttack('token floods', 'many operations', Array.from({ length: 700 }, (_, i) => `query Q${i} { me { id } }`).join(' '), () => ({})));
  add(
    gqlAttack(
      'token floods',
      'comments and commas are not tokens',
      `{ ${'#'.repeat(50)}\n${', '.repeat(20000)} me { id } }`,
      () => ({}),
      () => ({}),
      isNullAt('me'),
    ),
  );

  // 9. Huge strings (bodies over GRAPHQL_MAX_BODY_BYTES = 100 kB are refused before GraphQL)
  const mb = 'n'.repeat(1_000_000);
  add(gqlAttack('huge strings', '1 MB name at register', REGISTER, () => ({ i: { email: 'huge@example.com', password: PASSWORD, name: mb } })));
  add(gqlAttack('huge strings', '1 MB name at updateMe', UPDATE_ME, () => ({ i: { name: mb } }), asMember));
  add(gqlAttack('huge strings', '1 MB workspace name', CREATE_WORKSPACE, () => ({ i: workspaceInput({ name: mb }) }), asAdmin));
  add(
    gqlAttack('huge strings', '100 kB email at register', REGISTER, () => ({
      i: { email: `${'e'.repeat(100_000)}@example.com`, password: PASSWORD, name: 'E' },
    })),
  );
  add(gqlAttack('huge strings', '100 kB email at login', LOGIN, () => ({ i: { email: `${'e'.repeat(100_000)}@example.com`, password: PASSWORD } })));
  add(
    gqlAttack('huge strings', '90 kB email at login (under the body limit)', LOGIN, () => ({
      i: { email: `${'e'.repeat(90_000)}@example.com`, password: PASSWORD },
    })),
  );
  add(
    gqlAttack('huge strings', '90 kB email at register', REGISTER, () => ({
      i: { email: `${'e'.repeat(90_000)}@example.com`, password: PASSWORD, name: 'E' },
    })),
  );
  add(
    gqlAttack('huge strings', '90 kB password at register', REGISTER, () => ({ i: { email: 'longpw@example.com', password: 'p'.repeat(90_000), name: 'P' } })),
  );
  add(gqlAttack('huge strings', '90 kB password at login', LOGIN, () => ({ i: { email: target.member.email, password: 'p'.repeat(90_000) } })));
  add(gqlAttack('huge strings', '90 kB name at updateMe', UPDATE_ME, () => ({ i: { name: 'n'.repeat(90_000) } }), asMember));
  add(gqlAttack('huge strings', '90 kB description', CREATE_WORKSPACE, () => ({ i: workspaceInput({ description: 'd'.repeat(90_000) }) }), asAdmin));
  add(gqlAttack('huge strings', '90 kB timezone', CREATE_WORKSPACE, () => ({ i: workspaceInput({ timezone: 'Europe/'.repeat(12_000) }) }), asAdmin));
  add(
    gqlAttack(
      'huge strings',
      '90 kB currency',
      CREATE_WORKSPACE,
      () => ({ i: workspaceInput({ hourlyRate: { amount: 1, currency: 'E'.repeat(90_000) } }) }),
      asAdmin,
    ),
  );
  add(
    gqlAttack(
      'huge strings',
      '90 kB idempotency key',
      CREATE_BOOKING,
      () => ({ i: { workspaceId: target.workspaceId, ...slot(20, 9), idempotencyKey: 'k'.repeat(90_000) } }),
      asMember,
    ),
  );
  add(
    gqlAttack('huge strings', '90 kB refresh token', `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, () => ({
      t: 'r'.repeat(90_000),
    })),
  );
  add(
    gqlAttack(
      'huge strings',
      '90 kB logout token',
      `mutation ($t: String!) { logout(refreshToken: $t) }`,
      () => ({ t: 'r'.repeat(90_000) }),
      () => ({}),
      (data) => expect(data.logout).toBe(false),
    ),
  );
  add(gqlAttack('huge strings', '90 kB cursor', `query ($a: String) { workspaces(after: $a) { totalCount } }`, () => ({ a: 'c'.repeat(90_000) })));
  add(
    gqlAttack(
      'huge strings',
      '90 kB string literal in the query',
      `{ workspace(id: "${'i'.repeat(90_000)}") { id } }`,
      () => ({}),
      () => ({}),
      isNullAt('workspace'),
    ),
  );

  // 10. Unicode oddities. Unstorable text (NUL, unpaired surrogates) is refused; the rest round-trips.
  const unstorable: [string, string][] = [
    ['NUL', 'Ad\u0000a'],
    ['a lone high surrogate', 'Ad\ud800a'],
    ['a lone low surrogate', 'Ad\udfffa'],
    ['surrogates in the wrong order', 'Ad\udc00\ud800a'],
    ['only NUL', '\u0000'],
  ];
  for (const [what, value] of unstorable) {
    add(
      gqlAttack('unicode oddities', `${what} in a registered name`, REGISTER, () => ({
        i: { email: `u${Math.random()}@example.com`, password: PASSWORD, name: value },
      })),
    );
    add(gqlAttack('unicode oddities', `${what} in an email at login`, LOGIN, () => ({ i: { email: `a${value}@example.com`, password: PASSWORD } })));
    add(gqlAttack('unicode oddities', `${what} in a password at login`, LOGIN, () => ({ i: { email: target.member.email, password: `${PASSWORD}${value}` } })));
    add(gqlAttack('unicode oddities', `${what} in updateMe`, UPDATE_ME, () => ({ i: { name: value } }), asMember));
    add(gqlAttack('unicode oddities', `${what} in a workspace name`, CREATE_WORKSPACE, () => ({ i: workspaceInput({ name: value }) }), asAdmin));
    add(
      gqlAttack(
        'unicode oddities',
        `${what} in an idempotency key`,
        CREATE_BOOKING,
        () => ({ i: { workspaceId: target.workspaceId, ...slot(21, 9), idempotencyKey: value } }),
        asMember,
      ),
    );
    add(
      gqlAttack('unicode oddities', `${what} in a refresh token`, `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, () => ({
        t: value,
      })),
    );
    add(gqlAttack('unicode oddities', `${what} in an id`, `query ($id: ID!) { booking(id: $id) { id } }`, () => ({ id: value }), asMember));
  }
  add(
    gqlAttack(
      'unicode oddities',
      'NUL as a \\u0000 escape in a query literal',
      `mutation { updateMe(input: { name: "a\\u0000b" }) { name } }`,
      () => ({}),
      asMember,
    ),
  );
  add(
    gqlAttack(
      'unicode oddities',
      'a lone surrogate escape in a query literal',
      `mutation { updateMe(input: { name: "a\\ud800b" }) { name } }`,
      () => ({}),
      asMember,
    ),
  );
  add(
    attack('unicode oddities', 'a raw lone surrogate in the JSON body', () =>
      post(`{"query": "mutation { updateMe(input: {name: \\"x\\ud800\\"}) { name } }"}`, { ...JSON_HEADERS, ...asMember() }),
    ),
  );
  add(attack('unicode oddities', 'a raw NUL in the query source', () => post(JSON.stringify({ query: '{ me { id } }\u0000' }), JSON_HEADERS)));
  const odd: [string, string][] = [
    ['an RTL override', 'Ada \u202Eevil\u202C Lovelace'],
    ['zero-width characters', 'A\u200Bd\u200Ca\u200D'],
    ['an emoji ZWJ sequence', 'Dev 👩🏽‍💻🏳️‍🌈'],
    ['combining marks', 'Z̴̡̛a̵͇͐l̶g̷o̸'],
    ['NFD (decomposed) letters', 'Zoe\u0308 A\u030Angstro\u0308m'],
    ['CJK and Arabic', '李小龍 محمد'],
    ['a byte-order mark inside', 'Ad\uFEFFa'],
    ['a noncharacter', 'Ad\uFFFFa'],
    ['line and paragraph separators', 'Ad\u2028a\u2029b'],
    ['control characters', 'Ad\u0007a\u001b[31m'],
    ['HTML', '<script>alert(1)</script>'],
    ['SQL', "Robert'); DROP TABLE user_profile;--"],
    ['a template', '${process.env.JWT_SECRET}{{7*7}}'],
    ['astral plane letters', '𝕬𝖉𝖆 𐐷'],
  ];
  for (const [what, value] of odd) {
    let id: string | undefined;
    add(
      gqlAttack(
        'unicode oddities',
        `${what} in a workspace name and description`,
        CREATE_WORKSPACE,
        () => ({ i: workspaceInput({ name: value, description: value }) }),
        asAdmin,
        async (data) => {
          id = data.createWorkspace.id;
          expect(data.createWorkspace).toMatchObject({ name: value, description: value });
          const read = await gql(target.url, `query ($id: ID!) { workspace(id: $id) { name description } }`, { id });
          expect(read.data.workspace).toEqual({ name: value, description: value });
        },
      ),
    );
  }
  add(
    gqlAttack(
      'unicode oddities',
      'a homoglyph email (Cyrillic а) is another account or refused',
      REGISTER,
      () => ({ i: { email: target.member.email.replace('a', '\u0430'), password: PASSWORD, name: 'Homoglyph' } }),
      () => ({}),
      (data) => {
        expect(data.register.user.email).not.toBe(target.member.email);
      },
    ),
  );

  // 11. Invalid dates
  const dates: [string, unknown][] = [
    ['no offset', '2030-01-07T09:00:00'],
    ['February 30th', '2030-02-30T09:00:00Z'],
    ['year 99999', '+099999-01-01T09:00:00Z'],
    ['year 0000', '0000-01-01T09:00:00Z'],
    ['year 0001 with an offset (year 0 in UTC)', '0001-01-01T00:30:00+01:00'],
    ['a negative year', '-000001-01-01T09:00:00Z'],
    ['a number', 1893920400000],
    ['a float', 1.5],
    ['hour 24', '2030-01-07T24:00:00Z'],
    ['minute 60', '2030-01-07T09:60:00Z'],
    ['a leap second', '2030-06-30T23:59:60Z'],
    ['month 13', '2030-13-01T09:00:00Z'],
    ['day 0', '2030-01-00T09:00:00Z'],
    ['an offset of 25 hours', '2030-01-07T09:00:00+25:00'],
    ['a date only', '2030-01-07'],
    ['a time only', '09:00:00Z'],
    ['words', 'next tuesday'],
    ['an empty string', ''],
    ['spaces around', ' 2030-01-07T09:00:00Z '],
    ['an SQL fragment', "2030-01-07T09:00:00Z' OR '1'='1"],
    ['an interval', 'infinity'],
  ];
  for (const [what, value] of dates) {
    add(
      gqlAttack(
        'invalid dates',
        `${what} in createBooking`,
        CREATE_BOOKING,
        () => ({ i: { workspaceId: target.workspaceId, startsAt: value, endsAt: slot(22, 10).endsAt } }),
        asMember,
      ),
    );
    add(gqlAttack('invalid dates', `${what} in isAvailable`, AVAILABLE, () => ({ id: target.workspaceId, s: value, e: slot(22, 10).endsAt })));
    add(gqlAttack('invalid dates', `${what} in bookingReport`, REPORT, () => ({ f: value, t: slot(1, 0).startsAt }), asAdmin));
  }
  add(
    gqlAttack(
      'invalid dates',
      'a literal without an offset',
      `{ bookingReport(from: "2030-01-01T00:00:00", to: "2030-01-02T00:00:00Z") { bookingsCreated } }`,
      () => ({}),
      asAdmin,
    ),
  );
  add(gqlAttack('invalid dates', 'a literal number', `{ bookingReport(from: 0, to: 1) { bookingsCreated } }`, () => ({}), asAdmin));
  add(
    gqlAttack(
      'invalid dates',
      'the far future (valid)',
      AVAILABLE,
      () => ({ id: target.workspaceId, s: '9999-12-31T22:00:00Z', e: '9999-12-31T23:00:00Z' }),
      () => ({}),
      (data) => expect(data.workspace.isAvailable).toBe(true),
    ),
  );
  add(gqlAttack('invalid dates', 'a report over ten thousand years', REPORT, () => ({ f: '0001-01-01T00:00:00Z', t: '9999-12-31T00:00:00Z' }), asAdmin));
  add(
    gqlAttack(
      'invalid dates',
      'a booking of 31 days',
      CREATE_BOOKING,
      () => ({ i: { workspaceId: target.workspaceId, startsAt: slot(23, 0).startsAt, endsAt: slot(54, 1).startsAt } }),
      asMember,
    ),
  );

  // 12. Invalid and malformed ids
  const ids = [
    "' OR 1=1 --",
    '1; DROP TABLE booking; --',
    "' UNION SELECT email, password_hash FROM credential --",
    '../../../../etc/passwd',
    '..\\..\\windows\\win.ini',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'x'.repeat(10_000),
    '00000000-0000-0000-0000-000000000000',
    '{00000000-0000-4000-8000-000000000000}',
    '00000000-0000-4000-8000-00000000000g',
    ' 00000000-0000-4000-8000-000000000000',
    '00000000000040008000000000000000',
    '١٢٣٤٥٦٧٨-١٢٣٤-٤١٢٣-٨١٢٣-١٢٣٤٥٦٧٨٩٠١٢',
    '$where: function() { return true }',
    '-1',
    '',
  ];
  const byIdQueries: [string, string, () => Record<string, string>][] = [
    ['workspace(id)', `query ($id: ID!) { workspace(id: $id) { id } }`, () => ({})],
    ['booking(id)', `query ($id: ID!) { booking(id: $id) { id } }`, asMember],
    ['payment(id)', `query ($id: ID!) { payment(id: $id) { id } }`, asMember],
    ['user(id) as admin', `query ($id: ID!) { user(id: $id) { id } }`, asAdmin],
  ];
  const byIdMutations: [string, string, (id: string) => Record<string, unknown>, () => Record<string, string>][] = [
    ['cancelBooking', `mutation ($id: ID!) { cancelBooking(id: $id) { id } }`, (id) => ({ id }), asMember],
    ['archiveWorkspace', `mutation ($id: ID!) { archiveWorkspace(id: $id) { id } }`, (id) => ({ id }), asAdmin],
    ['updateWorkspace', `mutation ($id: ID!) { updateWorkspace(id: $id, input: { name: "N" }) { id } }`, (id) => ({ id }), asAdmin],
    ['setUserRole', `mutation ($id: ID!) { setUserRole(userId: $id, role: MEMBER) { id } }`, (id) => ({ id }), asAdmin],
    ['createBooking workspaceId', CREATE_BOOKING, (id) => ({ i: { workspaceId: id, ...slot(24, 9) } }), asMember],
  ];
  for (const id of ids) {
    const label = JSON.stringify(id.length > 40 ? `${id.slice(0, 20)}…(${id.length})` : id);
    for (const [name, query, headers] of byIdQueries)
      add(
        gqlAttack(
          'invalid ids',
          `${name} with ${label}`,
          query,
          () => ({ id }),
          headers,
          (data) => expect(Object.values(data)).toEqual([null]),
        ),
      );
    for (const [name, query, vars, headers] of byIdMutations) add(gqlAttack('invalid ids', `${name} with ${label}`, query, () => vars(id), headers));
  }
  add(gqlAttack('invalid ids', 'an id as a number literal', `{ booking(id: 12345) { id } }`, () => ({}), asMember, isNullAt('booking')));
  add(
    gqlAttack('invalid ids', 'another target.member id in user(id)', `query ($id: ID!) { user(id: $id) { email } }`, () => ({ id: target.admin.id }), asMember),
  );
  add(
    gqlAttack(
      'invalid ids',
      'an upper-case uuid for cancelBooking (same booking, not another)',
      `mutation ($id: ID!) { cancelBooking(id: $id) { id } }`,
      () => ({ id: '00000000-0000-4000-8000-0000000000AA' }),
      asMember,
    ),
  );

  // 13. Batched arrays (batching is off)
  const q1 = { query: '{ me { id } }' };
  for (const [name, batch] of [
    ['empty array', []],
    ['one operation', [q1]],
    ['two operations', [q1, q1]],
    ['200 operations', Array(200).fill(q1)],
    ['nested arrays', [[q1]]],
    ['mixed junk', [q1, 1, null, 'x']],
  ] as [string, unknown[]][]) {
    add(attack('batched arrays', name, () => post(JSON.stringify(batch))));
  }
  add(
    attack('batched arrays', 'batched mutations', () =>
      post(JSON.stringify([{ query: 'mutation { logout(refreshToken: "x") }' }, { query: 'mutation { logout(refreshToken: "y") }' }])),
    ),
  );

  // 14. Oversized bodies (GRAPHQL_MAX_BODY_BYTES is 100 kB)
  add(attack('oversized bodies', '100 001 bytes', () => post(JSON.stringify({ query: `{ me { id } } #${'x'.repeat(100_001)}` }))));
  add(attack('oversized bodies', '2 MB', () => post(JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(2_000_000) } }))));
  add(attack('oversized bodies', '2 MB as text/plain', () => post('x'.repeat(2_000_000), { 'content-type': 'text/plain' })));
  add(attack('oversized bodies', '2 MB of garbage JSON', () => post('['.repeat(2_000_000))));
  add(
    attack('oversized bodies', 'a lying content-length', () =>
      raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{"query": "{ me { id } }"}`),
    ),
  );
  add(
    attack(
      'oversized bodies',
      'many variables',
      () => post(JSON.stringify({ query: '{ me { id } }', variables: Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`v${i}`, i])) })),
      { ifOk: isNullAt('me') },
    ),
  );
  add(attack('oversized bodies', 'a 20 kB header', () => post(body, { ...JSON_HEADERS, 'x-padding': 'p'.repeat(20_000) })));
  add(attack('oversized bodies', 'a 20 kB URL', () => http('GET', undefined, { 'apollo-require-preflight': '1' }, `/graphql?query=${'%20'.repeat(7000)}`)));

  // 15. GET, and other methods
  const get = (query: string, extra = '', headers: Record<string, string> = { 'apollo-require-preflight': '1' }) =>
    http('GET', undefined, headers, `/graphql?query=${encodeURIComponent(query)}${extra}`);
  add(attack('GET with mutations', 'GET a mutation', () => get('mutation { logout(refreshToken: "x") }')));
  add(
    attack('GET with mutations', 'GET createWorkspace as admin', () =>
      get(
        `mutation { createWorkspace(input: { name: "ViaGet", kind: DESK, capacity: 1, hourlyRate: { amount: 1, currency: "EUR" }, timezone: "UTC" }) { id } }`,
        '',
        { 'apollo-require-preflight': '1', ...asAdmin() },
      ),
    ),
  );
  add(
    attack('GET with mutations', 'GET the mutation of a two-operation document', () =>
      get('query Q { me { id } } mutation M { logout(refreshToken: "x") }', '&operationName=M'),
    ),
  );
  add(attack('GET with mutations', 'GET without the CSRF preflight header', () => get('{ me { id } }', '', {})));
  add(
    attack('GET with mutations', 'GET with variables that are not JSON', () => get('query ($id: ID!) { workspace(id: $id) { id } }', '&variables=%7Bnot-json')),
  );
  add(attack('GET with mutations', 'GET with extensions that are not JSON', () => get('{ me { id } }', '&extensions=nope')));
  add(attack('GET with mutations', 'GET a query (allowed)', () => get('{ me { id } }'), { ifOk: isNullAt('me') }));
  for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    add(attack('GET with mutations', `${method} /graphql`, () => http(method, method === 'DELETE' || method === 'OPTIONS' ? undefined : body, JSON_HEADERS)));
  add(attack('GET with mutations', 'a subscription', () => op('subscription { me { id } }')));
  add(attack('GET with mutations', 'two operations and no name', () => op('query A { me { id } } query B { me { id } }')));
  add(attack('GET with mutations', 'an unknown operationName', () => post(JSON.stringify({ query: 'query A { me { id } }', operationName: 'Nope' }))));
  add(
    attack('GET with mutations', 'a persisted-query hash that does not match', () =>
      post(JSON.stringify({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } })),
    ),
  );
  add(
    attack('GET with mutations', 'a persisted-query hash alone', () =>
      post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })),
    ),
  );
  add(attack('GET with mutations', 'garbage on the wire', () => raw('HELLO /graphql SMTP/9.9\r\n\r\n')));

  // 16. Internal (@inaccessible) fields and types, and introspection of them
  const internal = [
    `mutation { _createPayment(input: { bookingId: "${'0'.repeat(8)}-0000-4000-8000-000000000000", userId: "x", amount: { amount: 1, currency: "EUR" } }) { id } }`,
    'mutation { _refundPayment(bookingId: "x") { id } }',
    'mutation { _sendNotification(input: { userId: "x", recipient: "a@b.c", channel: EMAIL, kind: "K", subject: "S", body: "B", dedupeKey: "D" }) { id } }',
    'mutation { _recordActivity(input: { kind: "BOOKING_CREATED" }) { id } }',
    'mutation { _recordAudit(input: { actorId: "x", action: "A", target: "T" }) { id } }',
    'mutation { _createUserProfile(input: { id: "x", email: "e@x.y", name: "N", role: ADMIN }) { id } }',
    '{ _userCount }',
    '{ _workspaceCount }',
    '{ _activeBookingCount }',
    '{ _revenueSince(since: "2020-01-01T00:00:00Z") { amount } }',
    '{ _entities(representations: [{ __typename: "User", id: "x" }]) { __typename } }',
    '{ _service { sdl } }',
    'query ($r: [_Any!]!) { workspaces { totalCount } }',
    'mutation ($i: CreatePaymentInput!) { register(input: { email: "a@b.c", password: "x", name: "y" }) { accessToken } }',
  ];
  for (const query of internal) {
    for (const who of [() => ({}), asAdmin])
      add(gqlAttack('internal fields', `${query.slice(0, 40)} as ${who === asAdmin ? 'admin' : 'anonymous'}`, query, () => ({}), who));
  }
  for (const name of [
    'CreatePaymentInput',
    'SendNotificationInput',
    'RecordActivityInput',
    'RecordAuditInput',
    'CreateUserProfileInput',
    '_Any',
    '_Entity',
    '_Service',
    'join__Graph',
    'link__Purpose',
  ]) {
    add(
      gqlAttack(
        'internal fields',
        `__type(name: "${name}")`,
        `query ($n: String!) { __type(name: $n) { name fields { name } inputFields { name } } }`,
        () => ({ n: name }),
        () => ({}),
        isNullAt('__type'),
      ),
    );
  }
  add(
    gqlAttack(
      'internal fields',
      'the whole schema has no internal field or directive',
      `{ __schema { types { name fields { name } inputFields { name } } directives { name } queryType { fields { name } } mutationType { fields { name } } } }`,
      () => ({}),
      () => ({}),
      (data) => {
        const names = JSON.stringify(data);
        expect(names).not.toMatch(/"_[a-zA-Z]|join__|link__|inaccessible|"(key|external|requires|provides|shareable)"/);
      },
    ),
  );

  // 17. Forged and odd tokens
  const tokens: [string, () => string][] = [
    ['alg none', () => jwt({ alg: 'none' }, userClaims())],
    ['alg none, upper case', () => jwt({ alg: 'NONE' }, userClaims())],
    ['HS256 with the wrong key', () => jwt({ alg: 'HS256' }, userClaims(), 'not-the-target.platform-secret-0123456789abcdef')],
    ['HS256 with an empty key', () => jwt({ alg: 'HS256' }, userClaims(), '')],
    ['RS256 claimed, HMAC signed with the secret', () => jwt({ alg: 'RS256' }, userClaims(), target.secrets.JWT_SECRET)],
    ['expired', () => jwt({ alg: 'HS256' }, userClaims({ iat: now() - 7200, exp: now() - 3600 }), target.secrets.JWT_SECRET)],
    ['not valid yet', () => jwt({ alg: 'HS256' }, userClaims({ nbf: now() + 3600 }), target.secrets.JWT_SECRET)],
    ['another issuer', () => jwt({ alg: 'HS256' }, userClaims({ iss: 'evil' }), target.secrets.JWT_SECRET)],
    ['another audience', () => jwt({ alg: 'HS256' }, userClaims({ aud: 'wsb-subgraph' }), target.secrets.JWT_SECRET)],
    ['a role that does not exist', () => jwt({ alg: 'HS256' }, userClaims({ role: 'ROOT' }), target.secrets.JWT_SECRET)],
    ['a subject that is not a user id', () => jwt({ alg: 'HS256' }, userClaims({ sub: "' OR 1=1 --" }), target.secrets.JWT_SECRET)],
    ['a subject with NUL', () => jwt({ alg: 'HS256' }, userClaims({ sub: 'a\u0000b' }), target.secrets.JWT_SECRET)],
    ['a 5 kB subject', () => jwt({ alg: 'HS256' }, userClaims({ sub: 's'.repeat(5000) }), target.secrets.JWT_SECRET)],
    ['a subject that is a number', () => jwt({ alg: 'HS256' }, userClaims({ sub: 42 }), target.secrets.JWT_SECRET)],
    [
      'a service token presented as a user token',
      () => {
        const [kid, key] = target.secrets.SERVICE_JWT_KEYS.split(',')[0].split(/:(.*)/s);
        return jwt(
          { alg: 'HS256', kid },
          { sub: 'gateway', iss: 'gateway', aud: 'wsb-subgraph', usr: target.member.id, rol: 'ADMIN', iat: now(), exp: now() + 60 },
          key,
        );
      },
    ],
    ['a kid pointing at a file', () => jwt({ alg: 'HS256', kid: '../../../../dev/null' }, userClaims(), '')],
    ['garbage', () => 'not.a.jwt'],
    ['empty segments', () => '..'],
    ['base64 junk', () => `${Buffer.from('{"alg":').toString('base64url')}.e30.x`],
    ['8 kB of junk', () => 'j'.repeat(8000)],
  ];
  for (const [name, token] of tokens) {
    add(
      attack('forged tokens', `${name}, Bearer`, () => op('{ me { id role } users { totalCount } }', {}, { authorization: `Bearer ${token()}` }), {
        status: 401,
      }),
    );
  }
  for (const [name, header] of [
    ['Basic credentials', 'Basic YWRtaW46YWRtaW4='],
    ['Bearer with nothing', 'Bearer '],
    ['two tokens', `Bearer a.b.c Bearer d.e.f`],
    ['a lower-case scheme and a forged token', `bearer ${jwt({ alg: 'none' }, {})}`],
    ['Token scheme', 'Token abc'],
  ] as const) {
    add(attack('forged tokens', name, () => op('{ me { id } users { totalCount } }', {}, { authorization: header }), { status: 401 }));
  }
  add(
    attack('forged tokens', 'identity headers a client made up', () =>
      op('{ users { totalCount } }', {}, { 'x-user-id': 'admin', 'x-user-role': 'ADMIN', 'x-forwarded-for': '127.0.0.1' }),
    ),
  );
  add(
    attack(
      'forged tokens',
      'a subgraph reached directly with a user token',
      async () => {
        const res = await fetch(`${target.platform.serviceUrl('user')}/graphql`, {
          method: 'POST',
          headers: { ...JSON_HEADERS, ...asAdmin() },
          body: JSON.stringify({ query: '{ users { totalCount } }' }),
        });
        const text = await res.text();
        return { status: res.status, text, json: JSON.parse(text) };
      },
      { status: 401 },
    ),
  );

  return list;
}
