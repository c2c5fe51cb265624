/** Hostile cases, categories 1-4: malformed JSON, wrong content types, wrong variable types, missing arguments. */
import { AVAILABLE, CREATE_WORKSPACE, LOGIN, attack, gqlAttack, isNullAt, workspaceInput } from './cases';
import { asAdmin, asMember, post, JSON_HEADERS } from './send';
import { target, type Attack } from './target';

export function addRequestCases(add: (...attacks: Attack[]) => void): void {
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
}
