import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DependencyUnavailableError, type CallOptions, type ServiceClient } from '@wsb/kernel';
import { asGateway, asService, initTestApp, stubServices, type TestApp } from '@wsb/kernel/src/testing';
import type { AdminConfig } from '../src/config';
import type { Loaders } from '../src/context';
import { adminSubgraph } from '../src/subgraph';

const admin = asGateway({ id: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' });
const member = asGateway({ id: '00000000-0000-4000-8000-000000000002' });
const activityIds = ['00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000c2'];

/** Every internal query the dashboard sends, answered after a short wait so overlap is measurable. */
let inFlight = 0;
let maxInFlight = 0;
const answer = async (value: unknown) => {
  maxInFlight = Math.max(maxInFlight, ++inFlight);
  await new Promise((resolve) => setTimeout(resolve, 30));
  inFlight--;
  return value;
};
const healthy = {
  user: () => answer({ _userCount: 42 }),
  workspace: () => answer({ _workspaceCount: 7 }),
  booking: () => answer({ _activeBookingCount: 13 }),
  payment: () => answer({ _revenueSince: { amount: 123450, currency: 'EUR' } }),
  reporting: (_q: string, vars: Record<string, unknown>) =>
    answer({ activity: { edges: activityIds.slice(0, vars.first as number).map((id) => ({ node: { id } })) } }),
};
// Tests swap handlers in this object; the stub looks them up on every call.
const handlers: Record<string, (query: string, variables: Record<string, unknown>) => unknown> = { ...healthy };
const stub = stubServices(handlers);
const callOptions: (CallOptions | undefined)[] = [];
const subgraphs: ServiceClient = {
  request: (service, query, variables, options) => {
    callOptions.push(options);
    return stub.client.request(service, query, variables, options);
  },
};

/** Tiny /health servers: one healthy, one failing, one that never answers. */
const servers: http.Server[] = [];
const healthPaths: string[] = [];
async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer((req, res) => {
    healthPaths.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function unusedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

let app: TestApp<Loaders, AdminConfig>;

beforeAll(async () => {
  const serviceUrls = {
    auth: await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')),
    user: await serve((_req, res) => res.writeHead(500).end('boom')),
    workspace: await unusedPort(),
    booking: await serve(() => undefined), // accepts the request and never answers
  } as AdminConfig['serviceUrls'];
  app = await initTestApp(adminSubgraph, { subgraphs, config: { serviceUrls } });
});
afterAll(async () => {
  await app.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
beforeEach(() => {
  Object.assign(handlers, healthy);
  stub.calls.length = 0;
  callOptions.length = 0;
  maxInFlight = 0;
});

const DASHBOARD = `{ adminDashboard {
  userCount workspaceCount activeBookings revenueToday { amount currency } recentActivity { __typename id }
} }`;

describe('adminDashboard', () => {
  it('gathers every figure from its subgraph in parallel, as the admin', async () => {
    const { data, errors } = await app.run(DASHBOARD, {}, admin);
    expect(errors).toBeUndefined();
    expect(data.adminDashboard).toEqual({
      userCount: 42,
      workspaceCount: 7,
      activeBookings: 13,
      revenueToday: { amount: 123450, currency: 'EUR' },
      recentActivity: activityIds.map((id) => ({ __typename: 'Activity', id })),
    });
    const now = new Date();
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
    // Each call is one of src/operations/<service>.graphql, sent by name.
    const calls = stub.calls.map(({ service, query, variables }) => ({ service, query: query.replace(/\s+/g, ' '), variables }));
    expect(calls.sort((a, b) => a.service.localeCompare(b.service))).toEqual([
      { service: 'booking', query: 'query ActiveBookingCount { _activeBookingCount }', variables: {} },
      { service: 'payment', query: 'query RevenueSince($since: DateTime!) { _revenueSince(since: $since) { amount currency } }', variables: { since: today } },
      { service: 'reporting', query: 'query RecentActivity($first: Int) { activity(first: $first) { edges { node { id } } } }', variables: { first: 10 } },
      { service: 'user', query: 'query UserCount { _userCount }', variables: {} },
      { service: 'workspace', query: 'query WorkspaceCount { _workspaceCount }', variables: {} },
    ]);
    expect(callOptions).toEqual(Array(5).fill({ user: admin.user }));
    expect(maxInFlight).toBe(5);
  });

  it('fetches only the figures a client selects', async () => {
    const { data } = await app.run('{ adminDashboard { workspaceCount } }', {}, admin);
    expect(data.adminDashboard).toEqual({ workspaceCount: 7 });
    expect(stub.calls.map((c) => c.service)).toEqual(['workspace']);
  });

  it('checks every configured subgraph: 200 is UP, 500, a closed port and a 2 s silence are DOWN', async () => {
    const started = Date.now();
    const { data, errors } = await app.run('{ adminDashboard { services { name status latencyMs } } }', {}, admin);
    expect(errors).toBeUndefined();
    const rows = data.adminDashboard.services;
    expect(rows.map((r: any) => [r.name, r.status])).toEqual([
      ['auth', 'UP'],
      ['user', 'DOWN'],
      ['workspace', 'DOWN'],
      ['booking', 'DOWN'],
    ]);
    for (const row of rows) expect(Number.isInteger(row.latencyMs) && row.latencyMs >= 0).toBe(true);
    expect(rows[3].latencyMs).toBeGreaterThanOrEqual(1900); // the timeout, not a hang
    expect(Date.now() - started).toBeLessThan(3500); // checked in parallel
    expect(new Set(healthPaths)).toEqual(new Set(['/health']));
  });

  it('fails only the field whose subgraph is down', async () => {
    handlers.user = () => {
      throw new DependencyUnavailableError('user');
    };
    const { data, errors } = await app.run('{ adminDashboard { userCount workspaceCount services { name status } } }', {}, admin);
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'The user service is unavailable; please try again shortly.',
        path: ['adminDashboard', 'userCount'],
        extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'user' },
      }),
    ]);
    expect(data.adminDashboard.userCount).toBeNull();
    expect(data.adminDashboard.workspaceCount).toBe(7);
    expect(data.adminDashboard.services.map((s: any) => s.status)).toEqual(['UP', 'DOWN', 'DOWN', 'DOWN']);
  });

  it('returns recent activity as references and bounds first', async () => {
    const { data } = await app.run('{ adminDashboard { recentActivity(first: 1) { id } } }', {}, admin);
    expect(data.adminDashboard.recentActivity).toEqual([{ id: activityIds[0] }]);
    expect(stub.calls[0].variables).toEqual({ first: 1 });
    const tooMany = await app.run('{ adminDashboard { workspaceCount recentActivity(first: 51) { id } } }', {}, admin);
    expect(tooMany.errors?.[0]).toMatchObject({ message: 'first must be between 0 and 50.', extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    expect(tooMany.data?.adminDashboard).toEqual({ workspaceCount: 7, recentActivity: null });
  });

  it('is for admins only and then asks no subgraph', async () => {
    expect((await app.run(DASHBOARD, {}, member)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(DASHBOARD, {}, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(stub.calls).toEqual([]);
  });
});

describe('admin audit log', () => {
  const RECORD = 'mutation ($input: RecordAuditInput!) { _recordAudit(input: $input) { id actorId action target at } }';
  const LOG = `query ($first: Int, $after: String) {
    adminAuditLog(first: $first, after: $after) { totalCount edges { node { id action target } } pageInfo { hasNextPage endCursor } }
  }`;
  const input = (action: string, target = 'Workspace:00000000-0000-4000-8000-0000000000d1') => ({ actorId: admin.user!.id, action, target });

  it('records entries sent by other subgraphs and lists them newest first', async () => {
    const first = await app.run(RECORD, { input: input('CREATE_WORKSPACE') }, asService('workspace'));
    expect(first.errors).toBeUndefined();
    expect(first.data._recordAudit).toMatchObject({
      actorId: admin.user!.id,
      action: 'CREATE_WORKSPACE',
      target: 'Workspace:00000000-0000-4000-8000-0000000000d1',
    });
    expect(Math.abs(Date.parse(first.data._recordAudit.at) - Date.now())).toBeLessThan(5000);
    await app.run(RECORD, { input: input('  SET_USER_ROLE  ', 'User:00000000-0000-4000-8000-000000000002') }, asService('user'));
    await app.run(RECORD, { input: input('ARCHIVE_WORKSPACE') }, asService('workspace'));

    const stored = await app.orm.em.fork().getConnection().execute('select id, action, target from admin_audit_entry order by created_at desc, id desc');
    expect(stored.map((r: any) => r.action).sort()).toEqual(['ARCHIVE_WORKSPACE', 'CREATE_WORKSPACE', 'SET_USER_ROLE']);
    const page1 = (await app.run(LOG, { first: 2 }, admin)).data.adminAuditLog;
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((e: any) => e.node)).toEqual(stored.slice(0, 2));
    const page2 = (await app.run(LOG, { first: 2, after: page1.pageInfo.endCursor }, admin)).data.adminAuditLog;
    expect(page2.edges.map((e: any) => e.node)).toEqual(stored.slice(2));
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('takes entries from platform services only and shows the log to admins only', async () => {
    expect((await app.run(RECORD, { input: input('X') }, admin)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(LOG, {}, member)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(LOG, {}, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    [{ actorId: 'nope' }, 'actorId is not a valid id.'],
    [{ action: ' ' }, 'action must be 1 to 100 characters.'],
    [{ action: 'A'.repeat(101) }, 'action must be 1 to 100 characters.'],
    [{ target: 'T'.repeat(301) }, 'target must be 1 to 300 characters.'],
  ])('rejects a malformed entry %#', async (patch, message) => {
    const { errors } = await app.run(RECORD, { input: { ...input('OK'), ...patch } }, asService('user'));
    expect(errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('_entities', () => {
  it('exposes nothing: Activity is only a reference here, the audit log is no entity', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Activity { id } } }';
    const echoed = await app.run(query, { r: [{ __typename: 'Activity', id: activityIds[0] }] }, admin);
    // Only the representation sent comes back; the admin subgraph holds no Activity data.
    expect(echoed.data._entities).toEqual([{ __typename: 'Activity', id: activityIds[0] }]);
    const audit = await app.run(query, { r: [{ __typename: 'AdminAuditEntry', id: activityIds[0] }] }, admin);
    expect(audit.data._entities).toEqual([null]);
    expect(audit.errors).toHaveLength(1);
  });
});
