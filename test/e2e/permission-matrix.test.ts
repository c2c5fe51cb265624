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
import { getNamedType, isLeafType, isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { bearer, gql, pool, type GraphQLResult } from '../support/client';
import { RAISED_RATE_LIMITS, waitFor } from '@wsb/kernel/src/testing';
import { ROOT, startPlatform, type Platform, bootstrapAdminEnv } from '../support/platform';
import {
  ADMIN,
  ALSO_VIA,
  EXPECTED,
  PASSWORD,
  q,
  WHO,
  type Fixtures,
  type Member,
  type Outcome,
  type Probe,
  type Row,
  type Who,
} from './permission-matrix/expected';

jest.setTimeout(240_000);

let platform: Platform;
let url: string;
let schema: GraphQLSchema;
let fx: Fixtures;
const observed = new Map<string, { expect: Row; got: Outcome[] }>();

/** Whole hours from now, at a round hour, so bookings are never in the past. */
function slot(dayOffset: number, startHour: number, hours = 1) {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + dayOffset);
  start.setUTCHours(startHour, 0, 0, 0);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + hours * 3600_000).toISOString() };
}

const headersOf = (who: Who): Record<string, string> => (who === 'anonymous' ? {} : bearer(fx[who].token));
const run = (who: Who, probe: Probe) => gql(url, probe.query, probe.variables, headersOf(who));

function must<T = any>(res: GraphQLResult<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`fixture request failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

async function register(name: string, email: string): Promise<Member> {
  const data = must(
    await gql(url, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`, { i: { email, password: PASSWORD, name } }),
  );
  return { id: data.register.user.id, email, token: data.register.accessToken };
}

async function book(member: Member, when: { startsAt: string; endsAt: string }): Promise<string> {
  const data = must(
    await gql(
      url,
      `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id status } }`,
      { i: { workspaceId: fx.workspaceId, ...when } },
      bearer(member.token),
    ),
  );
  expect(data.createBooking.status).toBe('CONFIRMED');
  return data.createBooking.id;
}

async function createWorkspace(name: string): Promise<string> {
  const input = {
    name,
    description: 'Quiet corner by the window',
    kind: 'MEETING_ROOM',
    capacity: 4,
    hourlyRate: { amount: 2000, currency: 'EUR' },
    timezone: 'Europe/Berlin',
  };
  return must(await gql(url, `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`, { i: input }, bearer(fx.admin.token)))
    .createWorkspace.id;
}

/**
 * The outcome at `path`: the code of an error on the way there or below it; else, where the value
 * stops (null on the way), the code of the error that nulled it (e.g. a refused key field the
 * gateway fetched to join another subgraph); else what the value is.
 */
function outcome(res: GraphQLResult, path: string[]): Outcome {
  const errors = (res.errors ?? []).map((e) => ({
    code: String(e.extensions?.code ?? 'NO_CODE'),
    keys: e.path?.filter((k): k is string => typeof k === 'string'),
  }));
  const startsWith = (keys: string[], prefix: string[]) => prefix.every((k, i) => keys[i] === k);
  const onPath = errors.find(({ keys }) => !keys || startsWith(path, keys) || startsWith(keys, path));
  if (onPath) return onPath.code;
  const stoppedAt = (depth: number): Outcome => errors.find(({ keys }) => keys && startsWith(keys, path.slice(0, depth)))?.code ?? 'null';
  let value: unknown = res.data;
  for (let depth = 0; depth < path.length; depth++) {
    while (Array.isArray(value)) {
      if (!value.length) return 'empty';
      value = value[0];
    }
    if (value === null || value === undefined) return stoppedAt(depth);
    value = (value as Record<string, unknown>)[path[depth]];
  }
  if (Array.isArray(value)) return value.length ? 'data' : 'empty';
  return value === null || value === undefined ? 'null' : 'data';
}

/** A selection for a field: a leaf as is, an object by its id (or its first leaf field). */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const args =
    field.name === 'isAvailable'
      ? `(startsAt: "${slot(40, 9).startsAt}", endsAt: "${slot(40, 9).endsAt}")`
      : field.name === 'recentActivity'
        ? '(first: 1)'
        : '';
  const type = getNamedType(field.type);
  if (isLeafType(type)) return `${field.name}${args}`;
  const fields = (type as GraphQLObjectType).getFields();
  const sub = fields.id
    ? 'id'
    : Object.values(fields).find((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => a.type.toString().endsWith('!')))!.name;
  return `${field.name}${args} { ${sub} }`;
}

/** How a client reaches the fields of each object type: a query around `sel`, and the path to it. */
function reach(typeName: string, sel: string, fieldName: string, f: Fixtures): Probe {
  const at = (...path: string[]) => [...path, fieldName];
  const range = { from: f.reportRange.from, to: f.reportRange.to };
  switch (typeName) {
    case 'User':
      return q(`query ($id: ID!) { user(id: $id) { ${sel} } }`, { id: f.memberA.id }, at('user'));
    case 'Workspace':
      return q(`query ($id: ID!) { workspace(id: $id) { ${sel} } }`, { id: f.workspaceId }, at('workspace'));
    case 'Booking':
      return q(`query ($id: ID!) { booking(id: $id) { ${sel} } }`, { id: f.cancelledA }, at('booking'));
    case 'Payment':
      return q(`query ($id: ID!) { payment(id: $id) { ${sel} } }`, { id: f.refundedA }, at('payment'));
    case 'Notification':
      return q(`query ($id: ID!) { user(id: $id) { notifications(first: 1) { ${sel} } } }`, { id: f.memberA.id }, at('user', 'notifications'));
    case 'Activity':
      return q(`{ activity(first: 1) { edges { node { ${sel} } } } }`, {}, at('activity', 'edges', 'node'));
    case 'ActivityConnection':
      return q(`{ activity(first: 1) { ${sel} } }`, {}, at('activity'));
    case 'ActivityEdge':
      return q(`{ activity(first: 1) { edges { ${sel} } } }`, {}, at('activity', 'edges'));
    case 'Money':
      return q(`query ($id: ID!) { workspace(id: $id) { hourlyRate { ${sel} } } }`, { id: f.workspaceId }, at('workspace', 'hourlyRate'));
    case 'PageInfo':
      return q(`{ workspaces(first: 1) { pageInfo { ${sel} } } }`, {}, at('workspaces', 'pageInfo'));
    case 'WorkspaceConnection':
      return q(`{ workspaces(first: 1) { ${sel} } }`, {}, at('workspaces'));
    case 'WorkspaceEdge':
      return q(`{ workspaces(first: 1) { edges { ${sel} } } }`, {}, at('workspaces', 'edges'));
    case 'BookingConnection':
      return q(`query ($id: ID!) { user(id: $id) { bookings(first: 1) { ${sel} } } }`, { id: f.memberA.id }, at('user', 'bookings'));
    case 'BookingEdge':
      return q(`query ($id: ID!) { user(id: $id) { bookings(first: 1) { edges { ${sel} } } } }`, { id: f.memberA.id }, at('user', 'bookings', 'edges'));
    case 'UserConnection':
      return q(`{ users(first: 1) { ${sel} } }`, {}, at('users'));
    case 'UserEdge':
      return q(`{ users(first: 1) { edges { ${sel} } } }`, {}, at('users', 'edges'));
    case 'AuthPayload':
      return q(`mutation ($i: LoginInput!) { login(input: $i) { ${sel} } }`, { i: { email: f.memberA.email, password: PASSWORD } }, at('login'));
    case 'BookingReport':
      return q(`query ($from: DateTime!, $to: DateTime!) { bookingReport(from: $from, to: $to) { ${sel} } }`, range, at('bookingReport'));
    case 'WorkspaceOccupancy':
      return q(
        `query ($from: DateTime!, $to: DateTime!) { bookingReport(from: $from, to: $to) { occupancy { ${sel} } } }`,
        range,
        at('bookingReport', 'occupancy'),
      );
    case 'AdminDashboard':
      return q(`{ adminDashboard { ${sel} } }`, {}, at('adminDashboard'));
    case 'ServiceHealth':
      return q(`{ adminDashboard { services { ${sel} } } }`, {}, at('adminDashboard', 'services'));
    case 'AdminAuditEntry':
      return q(`{ adminAuditLog(first: 1) { edges { node { ${sel} } } } }`, {}, at('adminAuditLog', 'edges', 'node'));
    case 'AdminAuditEntryConnection':
      return q(`{ adminAuditLog(first: 1) { ${sel} } }`, {}, at('adminAuditLog'));
    case 'AdminAuditEntryEdge':
      return q(`{ adminAuditLog(first: 1) { edges { ${sel} } } }`, {}, at('adminAuditLog', 'edges'));
    default:
      throw new Error(`no way to reach ${typeName} is described: add it to reach()`);
  }
}

/** Root fields: an input that succeeds when allowed. `prepare` runs first, as whoever needs to. */
type RootProbe = (f: Fixtures, who: Who) => Probe | Promise<Probe>;
let unique = 0;
const ROOT_PROBES: Record<string, RootProbe> = {
  'Query.me': () => q(`{ me { id } }`, {}, ['me']),
  'Query.user': (f) => q(`query ($id: ID!) { user(id: $id) { id } }`, { id: f.memberA.id }, ['user']),
  'Query.users': () => q(`{ users(first: 1) { totalCount } }`, {}, ['users']),
  'Query.workspace': (f) => q(`query ($id: ID!) { workspace(id: $id) { id } }`, { id: f.workspaceId }, ['workspace']),
  'Query.workspaces': () => q(`{ workspaces(first: 1) { totalCount } }`, {}, ['workspaces']),
  'Query.booking': (f) => q(`query ($id: ID!) { booking(id: $id) { id } }`, { id: f.bookingA }, ['booking']),
  'Query.myBookings': () => q(`{ myBookings(first: 1) { totalCount } }`, {}, ['myBookings']),
  'Query.payment': (f) => q(`query ($id: ID!) { payment(id: $id) { id } }`, { id: f.paymentA }, ['payment']),
  'Query.myNotifications': () => q(`{ myNotifications(first: 1) { id } }`, {}, ['myNotifications']),
  'Query.bookingReport': (f) =>
    q(`query ($from: DateTime!, $to: DateTime!) { bookingReport(from: $from, to: $to) { bookingsCreated } }`, f.reportRange, ['bookingReport']),
  'Query.activity': () => q(`{ activity(first: 1) { totalCount } }`, {}, ['activity']),
  'Query.adminDashboard': () => q(`{ adminDashboard { userCount } }`, {}, ['adminDashboard']),
  'Query.adminAuditLog': () => q(`{ adminAuditLog(first: 1) { totalCount } }`, {}, ['adminAuditLog']),
  'Mutation.register': (_f, who) =>
    q(
      `mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }`,
      { i: { email: `new-${who}-${++unique}@example.com`, password: PASSWORD, name: 'New' } },
      ['register'],
    ),
  'Mutation.login': (f) =>
    q(`mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: f.memberA.email, password: PASSWORD } }, ['login']),
  'Mutation.refreshToken': async (f) =>
    q(`mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: await freshRefreshToken(f) }, ['refreshToken']),
  'Mutation.logout': async (f) => q(`mutation ($t: String!) { logout(refreshToken: $t) }`, { t: await freshRefreshToken(f) }, ['logout']),
  'Mutation.updateMe': (_f, who) => q(`mutation ($i: UpdateMeInput!) { updateMe(input: $i) { name } }`, { i: { name: `Renamed ${who}` } }, ['updateMe']),
  'Mutation.setUserRole': (f) => q(`mutation ($id: ID!) { setUserRole(userId: $id, role: MEMBER) { role } }`, { id: f.memberB.id }, ['setUserRole']),
  'Mutation.createWorkspace': (_f, who) =>
    q(
      `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`,
      { i: { name: `By ${who}`, kind: 'DESK', capacity: 1, hourlyRate: { amount: 500, currency: 'EUR' }, timezone: 'UTC' } },
      ['createWorkspace'],
    ),
  'Mutation.updateWorkspace': (f) =>
    q(
      `mutation ($id: ID!, $i: UpdateWorkspaceInput!) { updateWorkspace(id: $id, input: $i) { id } }`,
      { id: f.workspaceId, i: { description: 'Quiet corner by the window' } },
      ['updateWorkspace'],
    ),
  'Mutation.archiveWorkspace': async () =>
    q(`mutation ($id: ID!) { archiveWorkspace(id: $id) { active } }`, { id: await createWorkspace(`Spare ${++unique}`) }, ['archiveWorkspace']),
  'Mutation.createBooking': (f, who) =>
    q(`mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id } }`, { i: { workspaceId: f.workspaceId, ...slot(10, 8 + 2 * WHO.indexOf(who)) } }, [
      'createBooking',
    ]),
  'Mutation.cancelBooking': async (f) =>
    q(`mutation ($id: ID!) { cancelBooking(id: $id) { status } }`, { id: await book(f.memberA, slot(12, (2 * ++unique) % 24)) }, ['cancelBooking']),
};

async function freshRefreshToken(f: Fixtures): Promise<string> {
  const data = must(await gql(url, `mutation ($i: LoginInput!) { login(input: $i) { refreshToken } }`, { i: { email: f.memberA.email, password: PASSWORD } }));
  return data.login.refreshToken;
}

/** Every Type.field of the object types of the public API schema (Query and Mutation included). */
function apiFields(): Map<string, { type: GraphQLObjectType; field: GraphQLField<unknown, unknown> }> {
  const out = new Map<string, { type: GraphQLObjectType; field: GraphQLField<unknown, unknown> }>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) out.set(`${type.name}.${field.name}`, { type, field });
  }
  return out;
}

async function check(names: string[], probeOf: (name: string, who: Who) => Probe | Promise<Probe>, expectOf: (name: string) => Row) {
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
  url = platform.gatewayUrl;

  const login = must(await gql(url, `mutation ($i: LoginInput!) { login(input: $i) { accessToken user { id } } }`, { i: ADMIN }));
  const admin = { id: login.login.user.id, email: ADMIN.email, token: login.login.accessToken };
  fx = { admin } as Fixtures;
  fx.memberA = await register('Ann', 'ann@example.com');
  fx.memberB = await register('Bob', 'bob@example.com');
  fx.workspaceId = await createWorkspace('Orion');
  fx.bookingA = await book(fx.memberA, slot(2, 9));
  fx.cancelledA = await book(fx.memberA, slot(2, 11));
  await book(fx.memberB, slot(3, 9));
  await book(admin, slot(3, 11));
  must(await gql(url, `mutation ($id: ID!) { cancelBooking(id: $id) { status } }`, { id: fx.cancelledA }, bearer(fx.memberA.token)));
  const payments = must(
    await gql(
      url,
      `query ($a: ID!, $b: ID!) { a: booking(id: $a) { payment { id } } b: booking(id: $b) { payment { id status refundedAt } } }`,
      { a: fx.bookingA, b: fx.cancelledA },
      bearer(fx.memberA.token),
    ),
  );
  fx.paymentA = payments.a.payment.id;
  fx.refundedA = payments.b.payment.id;
  expect(payments.b.payment.status).toBe('REFUNDED');
  fx.reportRange = { from: slot(-1, 0).startsAt, to: slot(30, 0).startsAt };
  // The outbox relay delivers to notification and reporting in the background.
  await waitFor(async () => {
    const res = await gql(url, `{ myNotifications { status } }`, {}, bearer(fx.memberA.token));
    const sent = (res.data?.myNotifications ?? []).filter((n: { status: string }) => n.status === 'SENT');
    return sent.length >= 3 ? true : undefined;
  }, 30_000);
  await waitFor(async () => {
    const res = await gql(url, `{ activity { totalCount } }`, {}, bearer(admin.token));
    return res.data?.activity.totalCount >= 5 ? true : undefined;
  }, 30_000);
});

afterAll(async () => {
  if (observed.size) console.log(renderMatrix());
  await platform?.stop();
});

function renderMatrix(): string {
  const short = (o: Outcome | undefined) =>
    ({ data: 'data', null: 'null', empty: 'empty', UNAUTHENTICATED: 'UNAUTH', FORBIDDEN: 'FORBID' })[o ?? ''] ?? o ?? '-';
  const width = Math.max(...[...observed.keys()].map((k) => k.length));
  const head = `${'field'.padEnd(width)} | ${WHO.map((w) => w.padEnd(9)).join(' | ')}`;
  const lines = [...observed.entries()].map(([name, { expect: want, got }]) => {
    const cells = WHO.map((_, i) => {
      const cell = short(got[i]);
      return (got[i] === want[i] ? cell : `${cell}≠${short(want[i])}`).padEnd(9);
    });
    return `${name.padEnd(width)} | ${cells.join(' | ')}`;
  });
  return [`Permission matrix (${observed.size} rows x ${WHO.length} callers)`, head, '-'.repeat(head.length), ...lines].join('\n');
}

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
    const names = [...apiFields().keys()].filter((k) => k.startsWith('Query.'));
    await check(
      names,
      (name, who) => ROOT_PROBES[name]?.(fx, who) ?? missing(name),
      (name) => EXPECTED[name],
    );
  });

  it('answers every mutation as API.md says (inputs that succeed when allowed)', async () => {
    const names = [...apiFields().keys()].filter((k) => k.startsWith('Mutation.'));
    await check(
      names,
      (name, who) => ROOT_PROBES[name]?.(fx, who) ?? missing(name),
      (name) => EXPECTED[name],
    );
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
    await check(
      names,
      (name) => probes.get(name)!,
      (name) => EXPECTED[name],
    );
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
      const res = await gql(url, query, vars, headersOf(who));
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      expect(Object.values(res.data ?? {}).every((value) => value === null)).toBe(true);
    },
  );

  it('validates input once the caller is allowed (the same requests as an allowed caller)', async () => {
    const asAdmin = await gql(url, `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`, { i: invalidWorkspace }, headersOf('admin'));
    expect(asAdmin.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const asMember = await gql(url, `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id } }`, { i: bad }, headersOf('memberB'));
    expect(asMember.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    // Whose booking an id is cannot be decided before the id is one: a malformed id is BAD_USER_INPUT
    // for any signed-in caller, which tells nothing about anyone's bookings.
    const cancel = await gql(url, `mutation { cancelBooking(id: "x") { id } }`, {}, headersOf('memberB'));
    expect(cancel.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
