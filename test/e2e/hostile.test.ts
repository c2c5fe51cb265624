/**
 * A hostile corpus against the real platform (./dev.sh start all): several hundred requests a
 * careless or malicious client might send, generated per category. Every answer must be a clear
 * error (status < 500, an API.md code, a message) that leaks nothing, or, for inputs that are odd
 * but valid, a success whose value round-trips exactly. No request may cause an internal error
 * anywhere (the logs of all nine processes are read afterwards), and everything still serves.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { bearer, gql, pool } from '../support/client';
import { startPlatform, type Platform, type Service } from '../support/platform';

jest.setTimeout(240_000);

const SERVICES: Service[] = ['auth', 'user', 'workspace', 'booking', 'payment', 'notification', 'reporting', 'admin'];
const ADMIN = { email: 'hostile-admin@example.com', password: 'hostile-admin-password-1' };
const PASSWORD = 'correct-horse-1';
/** The codes a client may see (API.md); a hostile request must never cause the last two. */
const CLIENT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'BOOKING_CONFLICT', 'RATE_LIMITED', 'COST_ESTIMATED_TOO_EXPENSIVE'];
/** Where a category can only be refused one way, anything else is wrong too. */
const CATEGORY_CODES: Record<string, string[]> = {
  'malformed JSON': ['BAD_USER_INPUT'],
  'wrong content type': ['BAD_USER_INPUT'],
  'wrong variable types': ['BAD_USER_INPUT'],
  'missing required args': ['BAD_USER_INPUT'],
  'deep queries': ['BAD_USER_INPUT'],
  'alias bombs': ['BAD_USER_INPUT'],
  'cost bombs': ['COST_ESTIMATED_TOO_EXPENSIVE'],
  'directive floods': ['BAD_USER_INPUT'],
  'token floods': ['BAD_USER_INPUT'],
  'invalid dates': ['BAD_USER_INPUT'],
  'batched arrays': ['BAD_USER_INPUT'],
  'oversized bodies': ['BAD_USER_INPUT'],
  'internal fields': ['BAD_USER_INPUT'],
  'forged tokens': ['UNAUTHENTICATED'],
};

let platform: Platform;
let url: string;
let member: { id: string; token: string; email: string };
let admin: { id: string; token: string };
let workspaceId: string;
let bookingId: string;
let secrets: Record<string, string>;

interface Answer {
  status: number;
  text: string;
  json?: any;
}
interface Attack {
  category: string;
  name: string;
  send: () => Promise<Answer>;
  /** The strings the request carries: the answer may echo them (a refused value named in a message). */
  inputs?: string[];
  /** When only one HTTP status is right (a refused token is 401). */
  status?: number;
  /** Odd but valid: when it succeeds, this must hold (the value round-trips, an unknown id is null...). */
  ifOk?: (data: any) => void | Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Sending

async function http(method: string, body?: string | Buffer, headers: Record<string, string> = {}, path = '/graphql'): Promise<Answer> {
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const post = (body: string | Buffer, headers: Record<string, string> = JSON_HEADERS) => http('POST', body, headers);
const op = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post(JSON.stringify({ query, variables }), { ...JSON_HEADERS, ...headers });
const asMember = () => bearer(member.token);
const asAdmin = () => bearer(admin.token);

/** A raw HTTP/1.1 exchange, for what fetch refuses to send. */
function raw(request: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    let data = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const text = rest.join('\r\n\r\n');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status, text, json });
    });
    socket.write(request);
    socket.end();
  });
}

/** An HS256 JWT with any header and claims, signed with `key` (or unsigned for alg none). */
function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, key?: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64(header)}.${b64(claims)}`;
  return key === undefined ? `${body}.` : `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const userClaims = (over: Record<string, unknown> = {}) => ({ sub: member.id, role: 'ADMIN', iss: 'wsb-auth', aud: 'wsb', iat: now(), exp: now() + 600, ...over });

function slot(dayOffset: number, hour: number) {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + dayOffset);
  start.setUTCHours(hour, 0, 0, 0);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString() };
}

// ---------------------------------------------------------------------------------------------
// Judging an answer

const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat [\w$.<>[\] ]+ \(|\(?[\w./-]+\.(ts|js|mjs|cjs):\d+:\d+\)?/],
  ['SQL', /\b(select\s[\s\S]{1,200}\sfrom|insert\s+into|update\s+"?\w+"?\s+set|delete\s+from)\b|relation "|violates|syntax error at or near|duplicate key|SQLSTATE|invalid input syntax|invalid byte sequence/i],
  ['a file path', /(^|[\s"'(])\/(work|home|usr|opt|app|tmp|var|etc|src|root)\/|node_modules|[A-Z]:\\/],
  ['a library internal', /MikroORM|\bknex\b|\bpg\b|pg-protocol|undici|ioredis|graphql-shield|express|body-parser|rate-limiter|jose\b|ECONNREFUSED|TypeError|ReferenceError|Cannot read propert/i],
];

/** The answer without what the request itself carried (a refused value may be named in the message). */
function withoutEcho(text: string, inputs: string[]): string {
  let out = text;
  const pieces = inputs.flatMap((s) => [s, s.slice(0, 64), s.slice(0, 16), JSON.stringify(s).slice(1, -1), JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1)]);
  for (const piece of [...new Set(pieces)].filter((p) => p.length >= 3).sort((a, b) => b.length - a.length)) out = out.split(piece).join('');
  return out;
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsIn(v, out));
  return out;
}

async function judge(attack: Attack, answer: Answer): Promise<string[]> {
  const problems: string[] = [];
  if (answer.status >= 500 || answer.status < 200) problems.push(`status ${answer.status}`);
  const body = answer.json;
  const errors = body?.errors;
  if (Array.isArray(errors) && errors.length) {
    const [first] = errors;
    if (!(CATEGORY_CODES[attack.category] ?? CLIENT_CODES).includes(first?.extensions?.code)) problems.push(`code ${first?.extensions?.code}`);
    if (attack.status && answer.status !== attack.status) problems.push(`status ${answer.status}, not ${attack.status}`);
    if (typeof first?.message !== 'string' || !first.message.trim()) problems.push('no message');
    for (const e of errors) if (e?.extensions?.stacktrace || e?.extensions?.exception) problems.push('stacktrace in extensions');
  } else if (body && typeof body === 'object' && 'data' in body && attack.ifOk) {
    if (answer.status !== 200) problems.push(`success with status ${answer.status}`);
    try {
      await attack.ifOk(body.data);
    } catch (err) {
      problems.push(`succeeded, but: ${(err as Error).message.split('\n')[0]}`);
    }
  } else {
    problems.push(`not a clear error: ${answer.status} ${answer.text.slice(0, 160)}`);
  }
  const scanned = withoutEcho(answer.text, attack.inputs ?? []);
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(scanned);
    if (match) problems.push(`leaks ${what}: "${match[0].slice(0, 60)}"`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The corpus

const CREATE_BOOKING = `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id startsAt } }`;
const CREATE_WORKSPACE = `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id name description timezone } }`;
const REGISTER = `mutation ($i: RegisterInput!) { register(input: $i) { user { id name email } } }`;
const LOGIN = `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`;
const UPDATE_ME = `mutation ($i: UpdateMeInput!) { updateMe(input: $i) { name } }`;
const AVAILABLE = `query ($id: ID!, $s: DateTime!, $e: DateTime!) { workspace(id: $id) { isAvailable(startsAt: $s, endsAt: $e) } }`;
const REPORT = `query ($f: DateTime!, $t: DateTime!) { bookingReport(from: $f, to: $t) { bookingsCreated } }`;
const workspaceInput = (over: Record<string, unknown> = {}) => ({ name: 'Hostile', kind: 'DESK', capacity: 2, hourlyRate: { amount: 1000, currency: 'EUR' }, timezone: 'UTC', ...over });

function attack(category: string, name: string, send: () => Promise<Answer>, extra: Partial<Attack> = {}): Attack {
  return { category, name, send, ...extra };
}
/** An operation, with its variables (and query) as the inputs the answer may echo. */
function gqlAttack(category: string, name: string, query: string, variables: () => Record<string, unknown>, headers: () => Record<string, string> = () => ({}), ifOk?: Attack['ifOk']): Attack {
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

function corpus(): Attack[] {
  const list: Attack[] = [];
  const add = (...attacks: Attack[]) => list.push(...attacks);

  // 1. Malformed JSON
  const malformed = ['{', '{"query": ', "{'query': '{ me { id } }'}", '{"query": "{ me { id } }",}', '{"query": "{ me { id } }"} trailing', '{"query": "{ me { id } }", "variables": {"a": NaN}}',
    '{"query": "{ me { id } }", "variables": {"a": undefined}}', '\u0000', '[', '"', '{"query": "\\x41"}', '{"query": "{ me { id } }" "variables": {}}', '{"query": 0x10}', '{"query": "{ me { id } }", "variables": {"a": 1e999999}}',
    '{"query": "\\ud800"}', '\ufeff{"query": "{ me { id } }"}', '{"query": {"$gt": ""}}', '{"query": ["{ me { id } }"]}', '{"query": "{ me { id } }", "variables": "{}"}', '{"query": "{ me { id } }", "variables": [1]}', 'null', '42', '"{ me { id } }"', 'true'];
  malformed.forEach((body, i) => add(attack('malformed JSON', `body #${i}: ${JSON.stringify(body).slice(0, 40)}`, () => post(body), { inputs: [body], ifOk: isNullAt('me') })));
  add(attack('malformed JSON', 'duplicate keys (the last wins: valid)', () => post('{"query": "{ nope }", "query": "{ me { id } }"}'), { ifOk: isNullAt('me') }));
  add(attack('malformed JSON', 'deeply nested variables', () => post(`{"query": "{ me { id } }", "variables": {"x": ${'['.repeat(20000)}${']'.repeat(20000)}}}`), { ifOk: isNullAt('me') }));
  add(attack('malformed JSON', 'deeply nested objects', () => post(`{"query": "{ me { id } }", "variables": {"x": ${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}}`), { ifOk: isNullAt('me') }));
  add(attack('malformed JSON', 'invalid UTF-8 bytes', () => post(Buffer.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]))));

  // 2. Wrong content types
  const body = JSON.stringify({ query: '{ me { id } }' });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/graphql', 'text/html', 'application/javascript', 'application/json-patch+json', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=nonsense', '*/*', 'application/*', 'image/png', 'application/octet-stream', '']) {
    add(attack('wrong content type', `content-type "${type}"`, () => post(body, type ? { 'content-type': type } : {}), { ifOk: isNullAt('me') }));
  }
  add(attack('wrong content type', 'text/plain that passes the CSRF check', () => post(body, { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' }), { ifOk: isNullAt('me') }));
  add(attack('wrong content type', 'gzip announced, plain sent', () => post(body, { ...JSON_HEADERS, 'content-encoding': 'gzip' })));
  add(attack('wrong content type', 'an unknown content-encoding', () => post(body, { ...JSON_HEADERS, 'content-encoding': 'x-evil' })));
  add(attack('wrong content type', 'form-encoded query', () => post('query=%7B%20me%20%7B%20id%20%7D%20%7D', { 'content-type': 'application/x-www-form-urlencoded', 'x-apollo-operation-name': 'x' })));

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
    ['input with __proto__', `mutation ($i: UpdateMeInput!) { updateMe(input: $i) { name } }`, { i: JSON.parse('{"__proto__": {"role": "ADMIN"}, "name": "P"}') }],
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
  for (const [name, query, vars] of wrongTypes) add(gqlAttack('wrong variable types', name, query, () => (vars.id === 'WORKSPACE' ? { ...vars, id: workspaceId } : vars), asAdmin));

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
  for (const levels of [10, 12, 20, 40, 120]) add(gqlAttack('deep queries', `booking/payment ${levels} levels deep`, nest(levels), () => ({ id: bookingId }), asMember));
  add(gqlAttack('deep queries', 'depth through fragments', `{ activity { ...A } } fragment A on ActivityConnection { edges { node { booking { ...B } } } } fragment B on Booking { payment { booking { payment { booking { payment { booking { user { bookings { edges { node { id } } } } } } } } } } }`, () => ({}), asAdmin));
  add(gqlAttack('deep queries', 'depth through inline fragments', `{ me { ... on User { bookings { edges { node { ... on Booking { payment { booking { payment { booking { payment { booking { payment { id } } } } } } } } } } } } }`, () => ({}), asMember));
  add(gqlAttack('deep queries', 'deep introspection (ofType chains)', `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } }`, () => ({}), () => ({}), (data) => {
    expect(Array.isArray(data.__schema.types)).toBe(true);
  }));
  add(gqlAttack('deep queries', 'a fragment cycle', `{ me { ...A } } fragment A on User { bookings { edges { node { user { ...A } } } } }`, () => ({}), asMember));

  // 6. Alias bombs (GRAPHQL_MAX_ALIASES is 15)
  const aliases = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
  for (const n of [16, 50, 200, 600]) {
    add(gqlAttack('alias bombs', `${n} x workspaces`, aliases(n, 'workspaces { totalCount }'), () => ({})));
    add(gqlAttack('alias bombs', `${n} x __typename`, aliases(n, '__typename'), () => ({})));
  }
  add(gqlAttack('alias bombs', 'aliases spread through fragments', `{ ...F ...F2 } fragment F on Query { ${Array.from({ length: 10 }, (_, i) => `f${i}: me { id }`).join(' ')} } fragment F2 on Query { ${Array.from({ length: 10 }, (_, i) => `g${i}: me { id }`).join(' ')} }`, () => ({})));
  add(gqlAttack('alias bombs', 'nested aliases', `{ ${Array.from({ length: 4 }, (_, i) => `w${i}: workspaces { ${Array.from({ length: 4 }, (_, j) => `e${j}: edges { cursor }`).join(' ')} }`).join(' ')} }`, () => ({})));
  add(gqlAttack('alias bombs', 'aliased mutations', `mutation { ${Array.from({ length: 20 }, (_, i) => `m${i}: login(input: { email: "x${i}@example.com", password: "wrong-password" }) { accessToken }`).join(' ')} }`, () => ({})));

  // 6b. Cost bombs: within depth and alias limits, over GRAPHQL_MAX_COST (1000) by list sizes
  const page = (first: string) => `myBookings(first: ${first}) { edges { node { id user { name } workspace { name } payment { status } } } }`;
  add(gqlAttack('cost bombs', 'a page of pages', '{ users(first: 100) { edges { node { bookings(first: 100) { edges { node { id } } } } } } }', () => ({}), asAdmin));
  add(gqlAttack('cost bombs', 'pages through entities at default sizes', '{ me { bookings { edges { node { user { bookings { edges { node { workspace { name } } } } } } } } } }', () => ({}), asMember));
  add(gqlAttack('cost bombs', '15 aliased pages', `{ ${Array.from({ length: 15 }, (_, i) => `p${i}: ${page('100')}`).join(' ')} }`, () => ({}), asMember));
  add(gqlAttack('cost bombs', 'aliased pages sized by a variable', `query ($n: Int) { a: ${page('$n')} b: ${page('$n')} c: ${page('$n')} }`, () => ({ n: 100 }), asMember));
  add(gqlAttack('cost bombs', 'pages spread through fragments', `{ ...A ...B } fragment A on Query { a: ${page('100')} } fragment B on Query { b: ${page('100')} c: workspaces(first: 100) { edges { node { name } } } }`, () => ({}), asMember));

  // 7. Directive floods (GRAPHQL_MAX_DIRECTIVES is 20)
  add(gqlAttack('directive floods', '21 @include on one field', `{ me ${'@include(if: true) '.repeat(21)}{ id } }`, () => ({})));
  add(gqlAttack('directive floods', '21 fields with @skip', `{ ${Array.from({ length: 21 }, () => 'me @skip(if: false) { id }').join(' ')} }`, () => ({})));
  add(gqlAttack('directive floods', '300 directives', `{ me { id ${'@include(if: true) '.repeat(300)} } }`, () => ({})));
  add(gqlAttack('directive floods', 'an unknown directive', `{ me @admin { id } }`, () => ({})));
  add(gqlAttack('directive floods', 'a schema directive in a query', `{ me @deprecated { id } }`, () => ({})));
  add(gqlAttack('directive floods', 'federation directives in a query', `{ me @key(fields: "id") @inaccessible { id } }`, () => ({})));
  add(gqlAttack('directive floods', '@skip with a non-boolean', `{ me @skip(if: "yes") { id } }`, () => ({})));
  add(gqlAttack('directive floods', 'directives with variables flood', `query (${Array.from({ length: 25 }, (_, i) => `$v${i}: Boolean!`).join(', ')}) { ${Array.from({ length: 25 }, (_, i) => `m${i}: me @include(if: $v${i}) { id }`).join(' ')} }`, () => Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`v${i}`, true]))));

  // 8. Token floods (GRAPHQL_MAX_TOKENS is 2000)
  add(gqlAttack('token floods', '2001 tokens', `{ me { ${'id '.repeat(1998)}} }`, () => ({})));
  add(gqlAttack('token floods', '20000 tokens', `{ me { ${'id '.repeat(20000)}} }`, () => ({})));
  add(gqlAttack('token floods', 'many arguments', `{ workspaces(${Array.from({ length: 1500 }, (_, i) => `a${i}: 1`).join(' ')}) { totalCount } }`, () => ({})));
  add(gqlAttack('token floods', 'a huge list literal', `{ workspaces(first: [${'1,'.repeat(3000)}]) { totalCount } }`, () => ({})));
  add(gqlAttack('token floods', 'many operations', Array.from({ length: 700 }, (_, i) => `query Q${i} { me { id } }`).join(' '), () => ({})));
  add(gqlAttack('token floods', 'comments and commas are not tokens', `{ ${'#'.repeat(50)}\n${', '.repeat(20000)} me { id } }`, () => ({}), () => ({}), isNullAt('me')));

  // 9. Huge strings (bodies over GRAPHQL_MAX_BODY_BYTES = 100 kB are refused before GraphQL)
  const mb = 'n'.repeat(1_000_000);
  add(gqlAttack('huge strings', '1 MB name at register', REGISTER, () => ({ i: { email: 'huge@example.com', password: PASSWORD, name: mb } })));
  add(gqlAttack('huge strings', '1 MB name at updateMe', UPDATE_ME, () => ({ i: { name: mb } }), asMember));
  add(gqlAttack('huge strings', '1 MB workspace name', CREATE_WORKSPACE, () => ({ i: workspaceInput({ name: mb }) }), asAdmin));
  add(gqlAttack('huge strings', '100 kB email at register', REGISTER, () => ({ i: { email: `${'e'.repeat(100_000)}@example.com`, password: PASSWORD, name: 'E' } })));
  add(gqlAttack('huge strings', '100 kB email at login', LOGIN, () => ({ i: { email: `${'e'.repeat(100_000)}@example.com`, password: PASSWORD } })));
  add(gqlAttack('huge strings', '90 kB email at login (under the body limit)', LOGIN, () => ({ i: { email: `${'e'.repeat(90_000)}@example.com`, password: PASSWORD } })));
  add(gqlAttack('huge strings', '90 kB email at register', REGISTER, () => ({ i: { email: `${'e'.repeat(90_000)}@example.com`, password: PASSWORD, name: 'E' } })));
  add(gqlAttack('huge strings', '90 kB password at register', REGISTER, () => ({ i: { email: 'longpw@example.com', password: 'p'.repeat(90_000), name: 'P' } })));
  add(gqlAttack('huge strings', '90 kB password at login', LOGIN, () => ({ i: { email: member.email, password: 'p'.repeat(90_000) } })));
  add(gqlAttack('huge strings', '90 kB name at updateMe', UPDATE_ME, () => ({ i: { name: 'n'.repeat(90_000) } }), asMember));
  add(gqlAttack('huge strings', '90 kB description', CREATE_WORKSPACE, () => ({ i: workspaceInput({ description: 'd'.repeat(90_000) }) }), asAdmin));
  add(gqlAttack('huge strings', '90 kB timezone', CREATE_WORKSPACE, () => ({ i: workspaceInput({ timezone: 'Europe/'.repeat(12_000) }) }), asAdmin));
  add(gqlAttack('huge strings', '90 kB currency', CREATE_WORKSPACE, () => ({ i: workspaceInput({ hourlyRate: { amount: 1, currency: 'E'.repeat(90_000) } }) }), asAdmin));
  add(gqlAttack('huge strings', '90 kB idempotency key', CREATE_BOOKING, () => ({ i: { workspaceId, ...slot(20, 9), idempotencyKey: 'k'.repeat(90_000) } }), asMember));
  add(gqlAttack('huge strings', '90 kB refresh token', `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, () => ({ t: 'r'.repeat(90_000) })));
  add(gqlAttack('huge strings', '90 kB logout token', `mutation ($t: String!) { logout(refreshToken: $t) }`, () => ({ t: 'r'.repeat(90_000) }), () => ({}), (data) => expect(data.logout).toBe(false)));
  add(gqlAttack('huge strings', '90 kB cursor', `query ($a: String) { workspaces(after: $a) { totalCount } }`, () => ({ a: 'c'.repeat(90_000) })));
  add(gqlAttack('huge strings', '90 kB string literal in the query', `{ workspace(id: "${'i'.repeat(90_000)}") { id } }`, () => ({}), () => ({}), isNullAt('workspace')));

  // 10. Unicode oddities. Unstorable text (NUL, unpaired surrogates) is refused; the rest round-trips.
  const unstorable: [string, string][] = [
    ['NUL', 'Ad\u0000a'],
    ['a lone high surrogate', 'Ad\ud800a'],
    ['a lone low surrogate', 'Ad\udfffa'],
    ['surrogates in the wrong order', 'Ad\udc00\ud800a'],
    ['only NUL', '\u0000'],
  ];
  for (const [what, value] of unstorable) {
    add(gqlAttack('unicode oddities', `${what} in a registered name`, REGISTER, () => ({ i: { email: `u${Math.random()}@example.com`, password: PASSWORD, name: value } })));
    add(gqlAttack('unicode oddities', `${what} in an email at login`, LOGIN, () => ({ i: { email: `a${value}@example.com`, password: PASSWORD } })));
    add(gqlAttack('unicode oddities', `${what} in a password at login`, LOGIN, () => ({ i: { email: member.email, password: `${PASSWORD}${value}` } })));
    add(gqlAttack('unicode oddities', `${what} in updateMe`, UPDATE_ME, () => ({ i: { name: value } }), asMember));
    add(gqlAttack('unicode oddities', `${what} in a workspace name`, CREATE_WORKSPACE, () => ({ i: workspaceInput({ name: value }) }), asAdmin));
    add(gqlAttack('unicode oddities', `${what} in an idempotency key`, CREATE_BOOKING, () => ({ i: { workspaceId, ...slot(21, 9), idempotencyKey: value } }), asMember));
    add(gqlAttack('unicode oddities', `${what} in a refresh token`, `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, () => ({ t: value })));
    add(gqlAttack('unicode oddities', `${what} in an id`, `query ($id: ID!) { booking(id: $id) { id } }`, () => ({ id: value }), asMember));
  }
  add(gqlAttack('unicode oddities', 'NUL as a \\u0000 escape in a query literal', `mutation { updateMe(input: { name: "a\\u0000b" }) { name } }`, () => ({}), asMember));
  add(gqlAttack('unicode oddities', 'a lone surrogate escape in a query literal', `mutation { updateMe(input: { name: "a\\ud800b" }) { name } }`, () => ({}), asMember));
  add(attack('unicode oddities', 'a raw lone surrogate in the JSON body', () => post(`{"query": "mutation { updateMe(input: {name: \\"x\\ud800\\"}) { name } }"}`, { ...JSON_HEADERS, ...asMember() })));
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
      gqlAttack('unicode oddities', `${what} in a workspace name and description`, CREATE_WORKSPACE, () => ({ i: workspaceInput({ name: value, description: value }) }), asAdmin, async (data) => {
        id = data.createWorkspace.id;
        expect(data.createWorkspace).toMatchObject({ name: value, description: value });
        const read = await gql(url, `query ($id: ID!) { workspace(id: $id) { name description } }`, { id });
        expect(read.data.workspace).toEqual({ name: value, description: value });
      }),
    );
  }
  add(
    gqlAttack('unicode oddities', 'a homoglyph email (Cyrillic а) is another account or refused', REGISTER, () => ({ i: { email: member.email.replace('a', '\u0430'), password: PASSWORD, name: 'Homoglyph' } }), () => ({}), (data) => {
      expect(data.register.user.email).not.toBe(member.email);
    }),
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
    add(gqlAttack('invalid dates', `${what} in createBooking`, CREATE_BOOKING, () => ({ i: { workspaceId, startsAt: value, endsAt: slot(22, 10).endsAt } }), asMember));
    add(gqlAttack('invalid dates', `${what} in isAvailable`, AVAILABLE, () => ({ id: workspaceId, s: value, e: slot(22, 10).endsAt })));
    add(gqlAttack('invalid dates', `${what} in bookingReport`, REPORT, () => ({ f: value, t: slot(1, 0).startsAt }), asAdmin));
  }
  add(gqlAttack('invalid dates', 'a literal without an offset', `{ bookingReport(from: "2030-01-01T00:00:00", to: "2030-01-02T00:00:00Z") { bookingsCreated } }`, () => ({}), asAdmin));
  add(gqlAttack('invalid dates', 'a literal number', `{ bookingReport(from: 0, to: 1) { bookingsCreated } }`, () => ({}), asAdmin));
  add(gqlAttack('invalid dates', 'the far future (valid)', AVAILABLE, () => ({ id: workspaceId, s: '9999-12-31T22:00:00Z', e: '9999-12-31T23:00:00Z' }), () => ({}), (data) => expect(data.workspace.isAvailable).toBe(true)));
  add(gqlAttack('invalid dates', 'a report over ten thousand years', REPORT, () => ({ f: '0001-01-01T00:00:00Z', t: '9999-12-31T00:00:00Z' }), asAdmin));
  add(gqlAttack('invalid dates', 'a booking of 31 days', CREATE_BOOKING, () => ({ i: { workspaceId, startsAt: slot(23, 0).startsAt, endsAt: slot(54, 1).startsAt } }), asMember));

  // 12. Invalid and malformed ids
  const ids = [
    "' OR 1=1 --",
    "1; DROP TABLE booking; --",
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
    for (const [name, query, headers] of byIdQueries) add(gqlAttack('invalid ids', `${name} with ${label}`, query, () => ({ id }), headers, (data) => expect(Object.values(data)).toEqual([null])));
    for (const [name, query, vars, headers] of byIdMutations) add(gqlAttack('invalid ids', `${name} with ${label}`, query, () => vars(id), headers));
  }
  add(gqlAttack('invalid ids', 'an id as a number literal', `{ booking(id: 12345) { id } }`, () => ({}), asMember, isNullAt('booking')));
  add(gqlAttack('invalid ids', 'another member id in user(id)', `query ($id: ID!) { user(id: $id) { email } }`, () => ({ id: admin.id }), asMember));
  add(gqlAttack('invalid ids', 'an upper-case uuid for cancelBooking (same booking, not another)', `mutation ($id: ID!) { cancelBooking(id: $id) { id } }`, () => ({ id: '00000000-0000-4000-8000-0000000000AA' }), asMember));

  // 13. Batched arrays (batching is off)
  const q1 = { query: '{ me { id } }' };
  for (const [name, batch] of [['empty array', []], ['one operation', [q1]], ['two operations', [q1, q1]], ['200 operations', Array(200).fill(q1)], ['nested arrays', [[q1]]], ['mixed junk', [q1, 1, null, 'x']]] as [string, unknown[]][]) {
    add(attack('batched arrays', name, () => post(JSON.stringify(batch))));
  }
  add(attack('batched arrays', 'batched mutations', () => post(JSON.stringify([{ query: 'mutation { logout(refreshToken: "x") }' }, { query: 'mutation { logout(refreshToken: "y") }' }]))));

  // 14. Oversized bodies (GRAPHQL_MAX_BODY_BYTES is 100 kB)
  add(attack('oversized bodies', '100 001 bytes', () => post(JSON.stringify({ query: `{ me { id } } #${'x'.repeat(100_001)}` }))));
  add(attack('oversized bodies', '2 MB', () => post(JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(2_000_000) } }))));
  add(attack('oversized bodies', '2 MB as text/plain', () => post('x'.repeat(2_000_000), { 'content-type': 'text/plain' })));
  add(attack('oversized bodies', '2 MB of garbage JSON', () => post('['.repeat(2_000_000))));
  add(attack('oversized bodies', 'a lying content-length', () => raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{"query": "{ me { id } }"}`)));
  add(attack('oversized bodies', 'many variables', () => post(JSON.stringify({ query: '{ me { id } }', variables: Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`v${i}`, i])) })), { ifOk: isNullAt('me') }));
  add(attack('oversized bodies', 'a 20 kB header', () => post(body, { ...JSON_HEADERS, 'x-padding': 'p'.repeat(20_000) })));
  add(attack('oversized bodies', 'a 20 kB URL', () => http('GET', undefined, { 'apollo-require-preflight': '1' }, `/graphql?query=${'%20'.repeat(7000)}`)));

  // 15. GET, and other methods
  const get = (query: string, extra = '', headers: Record<string, string> = { 'apollo-require-preflight': '1' }) =>
    http('GET', undefined, headers, `/graphql?query=${encodeURIComponent(query)}${extra}`);
  add(attack('GET with mutations', 'GET a mutation', () => get('mutation { logout(refreshToken: "x") }')));
  add(attack('GET with mutations', 'GET createWorkspace as admin', () => get(`mutation { createWorkspace(input: { name: "ViaGet", kind: DESK, capacity: 1, hourlyRate: { amount: 1, currency: "EUR" }, timezone: "UTC" }) { id } }`, '', { 'apollo-require-preflight': '1', ...asAdmin() })));
  add(attack('GET with mutations', 'GET the mutation of a two-operation document', () => get('query Q { me { id } } mutation M { logout(refreshToken: "x") }', '&operationName=M')));
  add(attack('GET with mutations', 'GET without the CSRF preflight header', () => get('{ me { id } }', '', {})));
  add(attack('GET with mutations', 'GET with variables that are not JSON', () => get('query ($id: ID!) { workspace(id: $id) { id } }', '&variables=%7Bnot-json')));
  add(attack('GET with mutations', 'GET with extensions that are not JSON', () => get('{ me { id } }', '&extensions=nope')));
  add(attack('GET with mutations', 'GET a query (allowed)', () => get('{ me { id } }'), { ifOk: isNullAt('me') }));
  for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) add(attack('GET with mutations', `${method} /graphql`, () => http(method, method === 'DELETE' || method === 'OPTIONS' ? undefined : body, JSON_HEADERS)));
  add(attack('GET with mutations', 'a subscription', () => op('subscription { me { id } }')));
  add(attack('GET with mutations', 'two operations and no name', () => op('query A { me { id } } query B { me { id } }')));
  add(attack('GET with mutations', 'an unknown operationName', () => post(JSON.stringify({ query: 'query A { me { id } }', operationName: 'Nope' }))));
  add(attack('GET with mutations', 'a persisted-query hash that does not match', () => post(JSON.stringify({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }))));
  add(attack('GET with mutations', 'a persisted-query hash alone', () => post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }))));
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
    for (const who of [() => ({}), asAdmin]) add(gqlAttack('internal fields', `${query.slice(0, 40)} as ${who === asAdmin ? 'admin' : 'anonymous'}`, query, () => ({}), who));
  }
  for (const name of ['CreatePaymentInput', 'SendNotificationInput', 'RecordActivityInput', 'RecordAuditInput', 'CreateUserProfileInput', '_Any', '_Entity', '_Service', 'join__Graph', 'link__Purpose']) {
    add(gqlAttack('internal fields', `__type(name: "${name}")`, `query ($n: String!) { __type(name: $n) { name fields { name } inputFields { name } } }`, () => ({ n: name }), () => ({}), isNullAt('__type')));
  }
  add(
    gqlAttack('internal fields', 'the whole schema has no internal field or directive', `{ __schema { types { name fields { name } inputFields { name } } directives { name } queryType { fields { name } } mutationType { fields { name } } } }`, () => ({}), () => ({}), (data) => {
      const names = JSON.stringify(data);
      expect(names).not.toMatch(/"_[a-zA-Z]|join__|link__|inaccessible|"(key|external|requires|provides|shareable)"/);
    }),
  );

  // 17. Forged and odd tokens
  const tokens: [string, () => string][] = [
    ['alg none', () => jwt({ alg: 'none' }, userClaims())],
    ['alg none, upper case', () => jwt({ alg: 'NONE' }, userClaims())],
    ['HS256 with the wrong key', () => jwt({ alg: 'HS256' }, userClaims(), 'not-the-platform-secret-0123456789abcdef')],
    ['HS256 with an empty key', () => jwt({ alg: 'HS256' }, userClaims(), '')],
    ['RS256 claimed, HMAC signed with the secret', () => jwt({ alg: 'RS256' }, userClaims(), secrets.JWT_SECRET)],
    ['expired', () => jwt({ alg: 'HS256' }, userClaims({ iat: now() - 7200, exp: now() - 3600 }), secrets.JWT_SECRET)],
    ['not valid yet', () => jwt({ alg: 'HS256' }, userClaims({ nbf: now() + 3600 }), secrets.JWT_SECRET)],
    ['another issuer', () => jwt({ alg: 'HS256' }, userClaims({ iss: 'evil' }), secrets.JWT_SECRET)],
    ['another audience', () => jwt({ alg: 'HS256' }, userClaims({ aud: 'wsb-subgraph' }), secrets.JWT_SECRET)],
    ['a role that does not exist', () => jwt({ alg: 'HS256' }, userClaims({ role: 'ROOT' }), secrets.JWT_SECRET)],
    ['a subject that is not a user id', () => jwt({ alg: 'HS256' }, userClaims({ sub: "' OR 1=1 --" }), secrets.JWT_SECRET)],
    ['a subject with NUL', () => jwt({ alg: 'HS256' }, userClaims({ sub: 'a\u0000b' }), secrets.JWT_SECRET)],
    ['a 5 kB subject', () => jwt({ alg: 'HS256' }, userClaims({ sub: 's'.repeat(5000) }), secrets.JWT_SECRET)],
    ['a subject that is a number', () => jwt({ alg: 'HS256' }, userClaims({ sub: 42 }), secrets.JWT_SECRET)],
    ['a service token presented as a user token', () => {
      const [kid, key] = secrets.SERVICE_JWT_KEYS.split(',')[0].split(/:(.*)/s);
      return jwt({ alg: 'HS256', kid }, { sub: 'gateway', iss: 'gateway', aud: 'wsb-subgraph', usr: member.id, rol: 'ADMIN', iat: now(), exp: now() + 60 }, key);
    }],
    ['a kid pointing at a file', () => jwt({ alg: 'HS256', kid: '../../../../dev/null' }, userClaims(), '')],
    ['garbage', () => 'not.a.jwt'],
    ['empty segments', () => '..'],
    ['base64 junk', () => `${Buffer.from('{"alg":').toString('base64url')}.e30.x`],
    ['8 kB of junk', () => 'j'.repeat(8000)],
  ];
  for (const [name, token] of tokens) {
    add(attack('forged tokens', `${name}, Bearer`, () => op('{ me { id role } users { totalCount } }', {}, { authorization: `Bearer ${token()}` }), { status: 401 }));
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
  add(attack('forged tokens', 'identity headers a client made up', () => op('{ users { totalCount } }', {}, { 'x-user-id': 'admin', 'x-user-role': 'ADMIN', 'x-forwarded-for': '127.0.0.1' })));
  add(attack('forged tokens', 'a subgraph reached directly with a user token', async () => {
    const res = await fetch(`${platform.serviceUrl('user')}/graphql`, { method: 'POST', headers: { ...JSON_HEADERS, ...asAdmin() }, body: JSON.stringify({ query: '{ users { totalCount } }' }) });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) };
  }, { status: 401 }));

  return list;
}

// ---------------------------------------------------------------------------------------------


function errorLines(): string[] {
  const dir = join(platform.env.WSB_RUN_DIR!, 'logs');
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"level":"error"'))
      .map((line) => `${file}: ${line.slice(0, 300)}`),
  );
}

beforeAll(async () => {
  platform = await startPlatform({
    basePort: 13500,
    env: {
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
      RATE_LIMIT_AUTH_PER_EMAIL: '100000',
      RATE_LIMIT_AUTH_PER_IP: '100000',
    },
  });
  url = platform.gatewayUrl;
  secrets = Object.fromEntries(
    readFileSync(join(platform.env.WSB_RUN_DIR!, 'secrets.env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  const login = await gql(url, LOGIN.replace('accessToken', 'accessToken user { id }'), { i: ADMIN });
  admin = { id: login.data.login.user.id, token: login.data.login.accessToken };
  const reg = await gql(url, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`, { i: { email: 'mallory@example.com', password: PASSWORD, name: 'Mallory' } });
  member = { id: reg.data.register.user.id, token: reg.data.register.accessToken, email: 'mallory@example.com' };
  const ws = await gql(url, CREATE_WORKSPACE, { i: workspaceInput({ name: 'Target' }) }, asAdmin());
  workspaceId = ws.data.createWorkspace.id;
  const booked = await gql(url, CREATE_BOOKING, { i: { workspaceId, ...slot(2, 9) } }, asMember());
  bookingId = booked.data.createBooking.id;
  expect(errorLines()).toEqual([]);
});

afterAll(async () => {
  await platform?.stop();
});

describe('a hostile corpus through the gateway', () => {
  it('answers every request with a clear error or an exact success, never a crash or a leak', async () => {
    const attacks = corpus();
    const answers = await pool(attacks.length, 4, async (i) => {
      const a = attacks[i];
      try {
        const answer = await a.send();
        return { a, answer, problems: await judge(a, answer) };
      } catch (err) {
        return { a, answer: undefined, problems: [`request failed: ${(err as Error).message}`] };
      }
    });

    // A compact summary per category: how many, which statuses and codes.
    const summary = new Map<string, { n: number; statuses: Set<number>; codes: Set<string> }>();
    for (const { a, answer } of answers) {
      const s = summary.get(a.category) ?? { n: 0, statuses: new Set(), codes: new Set() };
      s.n++;
      if (answer) s.statuses.add(answer.status);
      s.codes.add(answer?.json?.errors?.[0]?.extensions?.code ?? (answer?.json?.data ? 'ok' : '-'));
      summary.set(a.category, s);
    }
    console.log(
      [`Hostile corpus: ${attacks.length} requests`, ...[...summary].map(([c, s]) => `  ${c.padEnd(22)} ${String(s.n).padStart(4)}  status ${[...s.statuses].sort().join('/')}  ${[...s.codes].sort().join(', ')}`)].join('\n'),
    );

    expect(attacks.length).toBeGreaterThanOrEqual(300);
    const failed = answers.filter((r) => r.problems.length).map((r) => `[${r.a.category}] ${r.a.name}: ${r.problems.join('; ')}`);
    expect(failed).toEqual([]);
    // Nothing a client sent caused an internal error in any of the nine processes.
    expect(errorLines()).toEqual([]);
  });

  it('keeps odd but valid profile names exactly as sent', async () => {
    for (const name of ['Ada \u202Eevil\u202C Lovelace', 'A\u200Bd\u200Ca', 'Zoe\u0308', 'Zoë', '👩🏽‍💻', 'Ad\u0007a', "O'Brien; --"]) {
      const updated = await gql(url, UPDATE_ME, { i: { name } }, asMember());
      expect(updated.errors).toBeUndefined();
      expect(updated.data.updateMe.name).toBe(name);
      const me = await gql(url, '{ me { name } }', {}, asMember());
      expect(me.data.me.name).toBe(name);
    }
  });

  it('still serves afterwards: every process healthy and ready, a normal query works, dev.sh reports all UP', async () => {
    for (const base of [url, ...SERVICES.map((s) => platform.serviceUrl(s))]) {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
    }
    const normal = await gql(url, `query ($id: ID!) { booking(id: $id) { id status workspace { name } payment { status } } }`, { id: bookingId }, asMember());
    expect(normal.errors).toBeUndefined();
    expect(normal.data.booking).toEqual({ id: bookingId, status: 'CONFIRMED', workspace: { name: 'Target' }, payment: { status: 'CAPTURED' } });
    const status = await platform.dev('status');
    for (const name of [...SERVICES.map((s) => `${s}-service`), 'gateway']) expect(status).toMatch(new RegExp(`^${name}\\s+UP\\b`, 'm'));
  });
});
