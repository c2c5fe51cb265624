/**
 * The permission matrix's expectations, written from API.md: who may see what, per Type.field of
 * the public API, and the other paths to the same data that must show no more (permission-matrix.test.ts
 * runs them against the real platform).
 */

export const ADMIN = { email: 'matrix-admin@example.com', password: 'matrix-admin-password-1' };
export const PASSWORD = 'correct-horse-1';
export const WHO = ['anonymous', 'memberA', 'memberB', 'admin'] as const;
export type Who = (typeof WHO)[number];

/** What a caller observes at a field: its value (data, null, an empty list) or the error code there. */
export type Outcome = 'data' | 'null' | 'empty' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | string;
export type Row = readonly [Outcome, Outcome, Outcome, Outcome]; // anonymous, memberA, memberB, admin

// The rules of API.md, as outcomes per caller.
const PUBLIC: Row = ['data', 'data', 'data', 'data'];
const SIGNED_IN: Row = ['UNAUTHENTICATED', 'data', 'data', 'data'];
/** "the user themself / its owner or an admin": the entity belongs to member A. */
const OWNER: Row = ['UNAUTHENTICATED', 'data', 'FORBIDDEN', 'data'];
const ADMIN_ONLY: Row = ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'data'];
/** `me`: null when not signed in. */
const SELF_OR_NULL: Row = ['null', 'data', 'data', 'data'];

/**
 * One entry per Type.field of the public API. Reasons where API.md needs reading:
 * - register/login/refreshToken/logout are for anyone (a signed-in caller may sign in as someone else).
 * - Entity types carry their rule on the type, so every field of A's Booking/Payment/Notification/User is OWNER.
 * - Types only reachable below an admin-only root field (reports, activity, audit, dashboard) are ADMIN_ONLY.
 * - Notification.failureReason is null for a delivered notification: readable, but empty.
 */
export const EXPECTED: Record<string, Row> = {
  // Query
  'Query.me': SELF_OR_NULL,
  'Query.user': OWNER,
  'Query.users': ADMIN_ONLY,
  'Query.workspace': PUBLIC,
  'Query.workspaces': PUBLIC,
  'Query.booking': OWNER,
  'Query.myBookings': SIGNED_IN,
  'Query.payment': OWNER,
  'Query.myNotifications': SIGNED_IN,
  'Query.bookingReport': ADMIN_ONLY,
  'Query.activity': ADMIN_ONLY,
  'Query.adminDashboard': ADMIN_ONLY,
  'Query.adminAuditLog': ADMIN_ONLY,
  // Mutation
  'Mutation.register': PUBLIC,
  'Mutation.login': PUBLIC,
  'Mutation.refreshToken': PUBLIC,
  'Mutation.logout': PUBLIC,
  'Mutation.updateMe': SIGNED_IN,
  'Mutation.setUserRole': ADMIN_ONLY,
  'Mutation.createWorkspace': ADMIN_ONLY,
  'Mutation.updateWorkspace': ADMIN_ONLY,
  'Mutation.archiveWorkspace': ADMIN_ONLY,
  'Mutation.createBooking': SIGNED_IN,
  'Mutation.cancelBooking': OWNER,
  // User (member A's)
  'User.id': OWNER,
  'User.email': OWNER,
  'User.name': OWNER,
  'User.role': OWNER,
  'User.createdAt': OWNER,
  'User.bookings': OWNER,
  'User.notifications': OWNER,
  // Workspace: public
  'Workspace.id': PUBLIC,
  'Workspace.name': PUBLIC,
  'Workspace.description': PUBLIC,
  'Workspace.kind': PUBLIC,
  'Workspace.capacity': PUBLIC,
  'Workspace.hourlyRate': PUBLIC,
  'Workspace.timezone': PUBLIC,
  'Workspace.active': PUBLIC,
  'Workspace.createdAt': PUBLIC,
  'Workspace.isAvailable': PUBLIC,
  // Booking (member A's, cancelled so that every field has a value)
  'Booking.id': OWNER,
  'Booking.user': OWNER,
  'Booking.workspace': OWNER,
  'Booking.startsAt': OWNER,
  'Booking.endsAt': OWNER,
  'Booking.attendees': OWNER,
  'Booking.status': OWNER,
  'Booking.price': OWNER,
  'Booking.createdAt': OWNER,
  'Booking.cancelledAt': OWNER,
  'Booking.payment': OWNER,
  // Payment (of that booking, refunded)
  'Payment.id': OWNER,
  'Payment.booking': OWNER,
  'Payment.amount': OWNER,
  'Payment.status': OWNER,
  'Payment.createdAt': OWNER,
  'Payment.refundedAt': OWNER,
  // Notification (member A's newest)
  'Notification.id': OWNER,
  'Notification.user': OWNER,
  'Notification.channel': OWNER,
  'Notification.kind': OWNER,
  'Notification.subject': OWNER,
  'Notification.body': OWNER,
  'Notification.status': OWNER,
  'Notification.failureReason': ['UNAUTHENTICATED', 'null', 'FORBIDDEN', 'null'],
  'Notification.createdAt': OWNER,
  'Notification.sentAt': OWNER,
  // Activity: admin
  'Activity.id': ADMIN_ONLY,
  'Activity.kind': ADMIN_ONLY,
  'Activity.at': ADMIN_ONLY,
  'Activity.booking': ADMIN_ONLY,
  'Activity.user': ADMIN_ONLY,
  'Activity.workspace': ADMIN_ONLY,
  'ActivityConnection.edges': ADMIN_ONLY,
  'ActivityConnection.pageInfo': ADMIN_ONLY,
  'ActivityConnection.totalCount': ADMIN_ONLY,
  'ActivityEdge.cursor': ADMIN_ONLY,
  'ActivityEdge.node': ADMIN_ONLY,
  // Shapes below the entities and root fields
  'Money.amount': PUBLIC,
  'Money.currency': PUBLIC,
  'PageInfo.hasNextPage': PUBLIC,
  'PageInfo.hasPreviousPage': PUBLIC,
  'PageInfo.startCursor': PUBLIC,
  'PageInfo.endCursor': PUBLIC,
  'WorkspaceConnection.edges': PUBLIC,
  'WorkspaceConnection.pageInfo': PUBLIC,
  'WorkspaceConnection.totalCount': PUBLIC,
  'WorkspaceEdge.cursor': PUBLIC,
  'WorkspaceEdge.node': PUBLIC,
  'BookingConnection.edges': OWNER,
  'BookingConnection.pageInfo': OWNER,
  'BookingConnection.totalCount': OWNER,
  'BookingEdge.cursor': OWNER,
  'BookingEdge.node': OWNER,
  'UserConnection.edges': ADMIN_ONLY,
  'UserConnection.pageInfo': ADMIN_ONLY,
  'UserConnection.totalCount': ADMIN_ONLY,
  'UserEdge.cursor': ADMIN_ONLY,
  'UserEdge.node': ADMIN_ONLY,
  'AuthPayload.accessToken': PUBLIC,
  'AuthPayload.refreshToken': PUBLIC,
  'AuthPayload.expiresAt': PUBLIC,
  'AuthPayload.user': PUBLIC,
  'BookingReport.bookingsCreated': ADMIN_ONLY,
  'BookingReport.bookingsCancelled': ADMIN_ONLY,
  'BookingReport.revenue': ADMIN_ONLY,
  'BookingReport.occupancy': ADMIN_ONLY,
  'WorkspaceOccupancy.workspace': ADMIN_ONLY,
  'WorkspaceOccupancy.bookedHours': ADMIN_ONLY,
  'WorkspaceOccupancy.occupancyRate': ADMIN_ONLY,
  'AdminDashboard.userCount': ADMIN_ONLY,
  'AdminDashboard.workspaceCount': ADMIN_ONLY,
  'AdminDashboard.activeBookings': ADMIN_ONLY,
  'AdminDashboard.revenueToday': ADMIN_ONLY,
  'AdminDashboard.services': ADMIN_ONLY,
  'AdminDashboard.recentActivity': ADMIN_ONLY,
  'ServiceHealth.name': ADMIN_ONLY,
  'ServiceHealth.status': ADMIN_ONLY,
  'ServiceHealth.latencyMs': ADMIN_ONLY,
  'AdminAuditEntry.id': ADMIN_ONLY,
  'AdminAuditEntry.actorId': ADMIN_ONLY,
  'AdminAuditEntry.action': ADMIN_ONLY,
  'AdminAuditEntry.target': ADMIN_ONLY,
  'AdminAuditEntry.at': ADMIN_ONLY,
  'AdminAuditEntryConnection.edges': ADMIN_ONLY,
  'AdminAuditEntryConnection.pageInfo': ADMIN_ONLY,
  'AdminAuditEntryConnection.totalCount': ADMIN_ONLY,
  'AdminAuditEntryEdge.cursor': ADMIN_ONLY,
  'AdminAuditEntryEdge.node': ADMIN_ONLY,
};

/** The same data reached along other paths a client could take: no detour shows more. */
export const ALSO_VIA: { name: string; expect: Row; probe: (f: Fixtures) => Probe }[] = [
  {
    name: 'booking → user → email',
    expect: OWNER,
    probe: (f) => q(`query ($id: ID!) { booking(id: $id) { user { email } } }`, { id: f.bookingA }, ['booking', 'user', 'email']),
  },
  {
    name: 'payment → booking → user → email',
    expect: OWNER,
    probe: (f) => q(`query ($id: ID!) { payment(id: $id) { booking { user { email } } } }`, { id: f.paymentA }, ['payment', 'booking', 'user', 'email']),
  },
  {
    name: 'booking → payment → status',
    expect: OWNER,
    probe: (f) => q(`query ($id: ID!) { booking(id: $id) { payment { status } } }`, { id: f.bookingA }, ['booking', 'payment', 'status']),
  },
  {
    name: "user(B) → bookings (B's own)",
    expect: ['UNAUTHENTICATED', 'FORBIDDEN', 'data', 'data'],
    probe: (f) => q(`query ($id: ID!) { user(id: $id) { bookings { totalCount } } }`, { id: f.memberB.id }, ['user', 'bookings', 'totalCount']),
  },
  { name: 'me → notifications (own)', expect: SELF_OR_NULL, probe: () => q(`{ me { notifications { id } } }`, {}, ['me', 'notifications']) },
  {
    name: 'me → bookings → payment (own)',
    expect: SELF_OR_NULL,
    probe: () => q(`{ me { bookings(first: 1) { edges { node { payment { status } } } } } }`, {}, ['me', 'bookings', 'edges', 'node', 'payment', 'status']),
  },
  {
    name: 'myBookings → node → user → email (own)',
    expect: SIGNED_IN,
    probe: () => q(`{ myBookings(first: 1) { edges { node { user { email } } } } }`, {}, ['myBookings', 'edges', 'node', 'user', 'email']),
  },
  {
    name: 'myNotifications → user → email (own)',
    expect: SIGNED_IN,
    probe: () => q(`{ myNotifications(first: 1) { user { email } } }`, {}, ['myNotifications', 'user', 'email']),
  },
  {
    name: 'activity → node → booking → id',
    expect: ADMIN_ONLY,
    probe: () => q(`{ activity(first: 1) { edges { node { booking { id } } } } }`, {}, ['activity', 'edges', 'node', 'booking', 'id']),
  },
  {
    name: 'activity → node → user → email',
    expect: ADMIN_ONLY,
    probe: () => q(`{ activity(first: 1) { edges { node { user { email } } } } }`, {}, ['activity', 'edges', 'node', 'user', 'email']),
  },
  {
    name: 'adminDashboard → recentActivity → booking',
    expect: ADMIN_ONLY,
    probe: () => q(`{ adminDashboard { recentActivity(first: 1) { booking { id } } } }`, {}, ['adminDashboard', 'recentActivity', 'booking', 'id']),
  },
  {
    name: "login(A) → user → bookings (the caller's rights, not the login's)",
    expect: OWNER,
    probe: (f) =>
      q(`mutation ($i: LoginInput!) { login(input: $i) { user { bookings { totalCount } } } }`, { i: { email: f.memberA.email, password: PASSWORD } }, [
        'login',
        'user',
        'bookings',
        'totalCount',
      ]),
  },
];

export interface Member {
  id: string;
  email: string;
  token: string;
}
export interface Fixtures {
  memberA: Member;
  memberB: Member;
  admin: Member;
  workspaceId: string;
  /** Member A's confirmed booking and its captured payment. */
  bookingA: string;
  paymentA: string;
  /** Member A's cancelled booking and its refunded payment: every nullable field has a value. */
  cancelledA: string;
  refundedA: string;
  reportRange: { from: string; to: string };
}
export interface Probe {
  query: string;
  variables: Record<string, unknown>;
  /** Response keys down to the field; lists are entered at their first element. */
  path: string[];
}
export const q = (query: string, variables: Record<string, unknown>, path: string[]): Probe => ({ query, variables, path });
