/** How the permission matrix reaches each field of the public API, and how it reads what came back. */
import { getNamedType, isLeafType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import type { GraphQLResult } from '../../support/client';
import { PASSWORD, q, WHO, type Fixtures, type Outcome, type Probe, type Who } from './expected';
import { book, createWorkspace, freshRefreshToken, slot } from './fixtures';

/**
 * The outcome at `path`: the code of an error on the way there or below it; else, where the value
 * stops (null on the way), the code of the error that nulled it (e.g. a refused key field the
 * gateway fetched to join another subgraph); else what the value is.
 */
export function outcome(res: GraphQLResult, path: string[]): Outcome {
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
export function selectionOf(field: GraphQLField<unknown, unknown>): string {
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

/**
 * How a client reaches the fields of each object type: the fields on the way there (with their
 * arguments), and the operation's variables where an argument needs one.
 */
interface Way {
  via: string[];
  operation?: 'query' | 'mutation';
  declares?: string;
  variables?: (f: Fixtures) => Record<string, unknown>;
}
const ofUser = (f: Fixtures) => ({ id: f.memberA.id });
const inRange = { declares: '($from: DateTime!, $to: DateTime!)', variables: (f: Fixtures) => ({ from: f.reportRange.from, to: f.reportRange.to }) };
const WAYS: Record<string, Way> = {
  User: { via: ['user(id: $id)'], declares: '($id: ID!)', variables: ofUser },
  Workspace: { via: ['workspace(id: $id)'], declares: '($id: ID!)', variables: (f) => ({ id: f.workspaceId }) },
  Booking: { via: ['booking(id: $id)'], declares: '($id: ID!)', variables: (f) => ({ id: f.cancelledA }) },
  Payment: { via: ['payment(id: $id)'], declares: '($id: ID!)', variables: (f) => ({ id: f.refundedA }) },
  Notification: { via: ['user(id: $id)', 'notifications(first: 1)'], declares: '($id: ID!)', variables: ofUser },
  Activity: { via: ['activity(first: 1)', 'edges', 'node'] },
  ActivityConnection: { via: ['activity(first: 1)'] },
  ActivityEdge: { via: ['activity(first: 1)', 'edges'] },
  Money: { via: ['workspace(id: $id)', 'hourlyRate'], declares: '($id: ID!)', variables: (f) => ({ id: f.workspaceId }) },
  PageInfo: { via: ['workspaces(first: 1)', 'pageInfo'] },
  WorkspaceConnection: { via: ['workspaces(first: 1)'] },
  WorkspaceEdge: { via: ['workspaces(first: 1)', 'edges'] },
  BookingConnection: { via: ['user(id: $id)', 'bookings(first: 1)'], declares: '($id: ID!)', variables: ofUser },
  BookingEdge: { via: ['user(id: $id)', 'bookings(first: 1)', 'edges'], declares: '($id: ID!)', variables: ofUser },
  UserConnection: { via: ['users(first: 1)'] },
  UserEdge: { via: ['users(first: 1)', 'edges'] },
  AuthPayload: {
    via: ['login(input: $i)'],
    operation: 'mutation',
    declares: '($i: LoginInput!)',
    variables: (f) => ({ i: { email: f.memberA.email, password: PASSWORD } }),
  },
  BookingReport: { via: ['bookingReport(from: $from, to: $to)'], ...inRange },
  WorkspaceOccupancy: { via: ['bookingReport(from: $from, to: $to)', 'occupancy'], ...inRange },
  AdminDashboard: { via: ['adminDashboard'] },
  ServiceHealth: { via: ['adminDashboard', 'services'] },
  AdminAuditEntry: { via: ['adminAuditLog(first: 1)', 'edges', 'node'] },
  AdminAuditEntryConnection: { via: ['adminAuditLog(first: 1)'] },
  AdminAuditEntryEdge: { via: ['adminAuditLog(first: 1)', 'edges'] },
};

/** The query that reaches `sel` on an object of type `typeName`, and the path to `fieldName` in its answer. */
export function reach(typeName: string, sel: string, fieldName: string, f: Fixtures): Probe {
  const way = WAYS[typeName];
  if (!way) throw new Error(`no way to reach ${typeName} is described: add it to WAYS`);
  const body = `{ ${way.via.reduceRight((inner, field) => `${field} { ${inner} }`, sel)} }`;
  const query = way.declares ? `${way.operation ?? 'query'} ${way.declares} ${body}` : body;
  return q(query, way.variables?.(f) ?? {}, [...way.via.map((field) => field.split('(')[0]), fieldName]);
}

/** Root fields: an input that succeeds when allowed. `prepare` runs first, as whoever needs to. */
export type RootProbe = (f: Fixtures, who: Who) => Probe | Promise<Probe>;
let unique = 0;
export const ROOT_PROBES: Record<string, RootProbe> = {
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
