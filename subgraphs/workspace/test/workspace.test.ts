import { asGateway, asService, initTestApp, stubServices, type TestApp } from '@wsb/kernel/src/testing';
import type { WorkspaceConfig } from '../src/config';
import type { Loaders } from '../src/context';
import { workspaceSubgraph } from '../src/subgraph';

const admin = asGateway({ id: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' });
const member = asGateway({ id: '00000000-0000-4000-8000-000000000002' });
const audit = stubServices({ admin: () => ({ _recordAudit: { id: 'a' } }) });
let app: TestApp<Loaders, WorkspaceConfig>;

const CREATE = `mutation ($input: CreateWorkspaceInput!) {
  createWorkspace(input: $input) { id name kind capacity hourlyRate { amount currency } timezone active createdAt }
}`;
const room = { name: 'Orion', kind: 'MEETING_ROOM', capacity: 8, hourlyRate: { amount: 2500, currency: 'EUR' }, timezone: 'Europe/Berlin' };

beforeAll(async () => {
  app = await initTestApp(workspaceSubgraph, { subgraphs: audit.client });
});
afterAll(() => app.close());

describe('workspace subgraph', () => {
  it('lets an admin create a workspace and records the action in the audit log', async () => {
    const { data, errors } = await app.run(CREATE, { input: room }, admin);
    expect(errors).toBeUndefined();
    expect(data.createWorkspace).toMatchObject({ name: 'Orion', capacity: 8, hourlyRate: { amount: 2500, currency: 'EUR' }, active: true });
    expect(audit.calls.at(-1)?.variables).toEqual({
      input: { actorId: admin.user!.id, action: 'CREATE_WORKSPACE', target: `Workspace:${data.createWorkspace.id}` },
    });
  });

  it('refuses a member and an anonymous caller', async () => {
    expect((await app.run(CREATE, { input: room }, member)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(CREATE, { input: room }, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    [{ capacity: 0 }, 'capacity must be a whole number from 1 to 10000.'],
    [{ timezone: 'Mars/Olympus' }, 'timezone must be an IANA time zone such as Europe/Berlin, got "Mars/Olympus".'],
    [{ hourlyRate: { amount: -1, currency: 'EUR' } }, 'hourlyRate.amount must be a whole number of minor units (cents), 0 or more.'],
    [{ hourlyRate: { amount: 100, currency: 'XYZW' } }, 'hourlyRate.currency must be an ISO-4217 code such as EUR, got "XYZW".'],
    [{ name: '   ' }, 'name must be 1 to 200 characters.'],
  ])('rejects bad input %j', async (patch, message) => {
    const { errors } = await app.run(CREATE, { input: { ...room, ...patch } }, admin);
    expect(errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('lists active workspaces with Relay pagination and hides archived ones', async () => {
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C']) {
      ids.push((await app.run(CREATE, { input: { ...room, name } }, admin)).data.createWorkspace.id);
    }
    await app.run('mutation ($id: ID!) { archiveWorkspace(id: $id) { active } }', { id: ids[0] }, admin);
    const page = `query ($after: String) { workspaces(first: 1, after: $after) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`;
    const first = (await app.run(page, {})).data.workspaces;
    expect(first.totalCount).toBe(3); // Orion, B, C
    expect(first.edges.map((e: any) => e.node.name)).toEqual(['C']);
    const second = (await app.run(page, { after: first.pageInfo.endCursor })).data.workspaces;
    expect(second.edges.map((e: any) => e.node.name)).toEqual(['B']);
    const bad = await app.run(page, { after: 'not-a-cursor' });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers null for unknown and malformed ids', async () => {
    const q = 'query ($id: ID!) { workspace(id: $id) { id } }';
    expect((await app.run(q, { id: '00000000-0000-4000-8000-00000000ffff' })).data.workspace).toBeNull();
    expect((await app.run(q, { id: 'nope' })).data.workspace).toBeNull();
    const malformed = await app.run('mutation { archiveWorkspace(id: "nope") { id } }', {}, admin);
    expect(malformed.errors?.[0]).toMatchObject({ message: 'id is not a valid id.', extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await app.run('mutation { archiveWorkspace(id: "00000000-0000-4000-8000-00000000ffff") { id } }', {}, admin);
    expect(unknown.errors?.[0]).toMatchObject({
      message: 'Workspace 00000000-0000-4000-8000-00000000ffff was not found.',
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('finds a workspace by its id in any case, as every subgraph does (one id rule: canonicalId)', async () => {
    const created = (await app.run(CREATE, { input: { ...room, name: 'Upper' } }, admin)).data.createWorkspace;
    const q = 'query ($id: ID!) { workspace(id: $id) { id name } }';
    expect((await app.run(q, { id: created.id.toUpperCase() })).data.workspace).toEqual({ id: created.id, name: 'Upper' });
    const entities = await app.run('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Workspace { id } } }', {
      r: [{ __typename: 'Workspace', id: created.id.toUpperCase() }],
    });
    expect(entities.data._entities).toEqual([{ id: created.id }]);
  });

  it('resolves Workspace entities through _entities in one batch', async () => {
    const created = (await app.run(CREATE, { input: { ...room, name: 'Entity' } }, admin)).data.createWorkspace;
    const { data } = await app.run(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Workspace { id name capacity hourlyRate { amount } } } }`,
      {
        r: [
          { __typename: 'Workspace', id: created.id },
          { __typename: 'Workspace', id: '00000000-0000-4000-8000-00000000ffff' },
        ],
      },
      asService('booking'),
    );
    expect(data._entities).toEqual([{ id: created.id, name: 'Entity', capacity: 8, hourlyRate: { amount: 2500 } }, null]);
  });

  it('keeps the internal count for platform services only', async () => {
    expect((await app.run('{ _workspaceCount }', {}, asService('admin'))).data._workspaceCount).toBeGreaterThan(0);
    expect((await app.run('{ _workspaceCount }', {}, admin)).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
