import { asGateway, asService, initTestApp, stubServices, type TestApp } from '@wsb/kernel/src/testing';
import type { UserConfig } from '../src/config';
import type { Loaders } from '../src/context';
import { userSubgraph } from '../src/subgraph';

const ADMIN_ID = '00000000-0000-4000-8000-000000000001';
const MEMBER_ID = '00000000-0000-4000-8000-000000000002';
const OTHER_ID = '00000000-0000-4000-8000-000000000003';
const UNKNOWN_ID = '00000000-0000-4000-8000-00000000ffff';
const admin = asGateway({ id: ADMIN_ID, role: 'ADMIN' });
const member = asGateway({ id: MEMBER_ID });
const other = asGateway({ id: OTHER_ID });
const auth = asService('auth');
const audit = stubServices({ admin: () => ({ _recordAudit: { id: 'a' } }) });
let app: TestApp<Loaders, UserConfig>;

const CREATE_PROFILE = `mutation ($input: CreateUserProfileInput!) { _createUserProfile(input: $input) { id email name role createdAt } }`;
const USER = 'query ($id: ID!) { user(id: $id) { id email name role } }';
const SET_ROLE = 'mutation ($userId: ID!, $role: Role!) { setUserRole(userId: $userId, role: $role) { id role } }';
const UPDATE_ME = 'mutation ($input: UpdateMeInput!) { updateMe(input: $input) { id name } }';

async function profileRows(): Promise<{ id: string; email: string; name: string; role: string }[]> {
  return app.orm.em.fork().execute('select id, email, name, role from user_profile order by email');
}

beforeAll(async () => {
  app = await initTestApp(userSubgraph, { subgraphs: audit.client });
  for (const [id, email, name, role] of [
    [ADMIN_ID, 'admin@example.com', 'Ada Admin', 'ADMIN'],
    [MEMBER_ID, 'mia@example.com', 'Mia Member', 'MEMBER'],
    [OTHER_ID, 'otto@example.com', 'Otto Other', 'MEMBER'],
  ]) {
    const { errors } = await app.run(CREATE_PROFILE, { input: { id, email, name, role } }, auth);
    expect(errors).toBeUndefined();
  }
});
afterAll(() => app.close());

describe('_createUserProfile', () => {
  it('creates a profile once and on a repeat updates email and role but keeps the name', async () => {
    const id = '00000000-0000-4000-8000-000000000010';
    const first = await app.run(CREATE_PROFILE, { input: { id, email: 'Nia@Example.com', name: 'Nia', role: 'MEMBER' } }, auth);
    expect(first.data._createUserProfile).toMatchObject({ id, email: 'nia@example.com', name: 'Nia', role: 'MEMBER' });
    const again = await app.run(CREATE_PROFILE, { input: { id, email: 'nia@new.example', name: 'Someone else', role: 'ADMIN' } }, auth);
    expect(again.data._createUserProfile).toEqual({ ...first.data._createUserProfile, email: 'nia@new.example', role: 'ADMIN' });
    expect((await profileRows()).filter((row) => row.id === id)).toEqual([{ id, email: 'nia@new.example', name: 'Nia', role: 'ADMIN' }]);
  });

  it('answers only the auth service', async () => {
    const input = { id: '00000000-0000-4000-8000-000000000011', email: 'x@example.com', name: 'X', role: 'ADMIN' };
    for (const caller of [admin, asService('booking')]) {
      expect((await app.run(CREATE_PROFILE, { input }, caller)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await profileRows()).some((row) => row.id === input.id)).toBe(false);
  });

  it('refuses an email another profile holds', async () => {
    const input = { id: '00000000-0000-4000-8000-000000000012', email: 'mia@example.com', name: 'Copy', role: 'MEMBER' };
    expect((await app.run(CREATE_PROFILE, { input }, auth)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('reading profiles', () => {
  it('me is the signed-in user, and null when anonymous', async () => {
    const q = '{ me { id email name role } }';
    expect((await app.run(q, {}, member)).data.me).toEqual({ id: MEMBER_ID, email: 'mia@example.com', name: 'Mia Member', role: 'MEMBER' });
    const anonymous = await app.run(q, {}, asGateway());
    expect(anonymous).toEqual({ data: { me: null } });
  });

  it('user(id) is for the user themself or an admin', async () => {
    expect((await app.run(USER, { id: MEMBER_ID }, member)).data.user.email).toBe('mia@example.com');
    expect((await app.run(USER, { id: MEMBER_ID }, admin)).data.user.email).toBe('mia@example.com');
    const refused = await app.run(USER, { id: MEMBER_ID }, other);
    expect(refused.errors?.[0]).toMatchObject({ message: 'You can only read your own profile.', extensions: { code: 'FORBIDDEN' } });
    expect(refused.data?.user ?? null).toBeNull();
    expect((await app.run(USER, { id: MEMBER_ID }, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('user(id) answers null to an admin for unknown and malformed ids', async () => {
    expect((await app.run(USER, { id: UNKNOWN_ID }, admin)).data.user).toBeNull();
    expect((await app.run(USER, { id: 'nope' }, admin)).data.user).toBeNull();
  });

  it('users is an admin-only Relay connection', async () => {
    const q = 'query ($after: String) { users(first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }';
    const first = (await app.run(q, {}, admin)).data.users;
    const total = (await profileRows()).length;
    expect(first.totalCount).toBe(total);
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await app.run(q, { after: first.pageInfo.endCursor }, admin)).data.users;
    const seen = [...first.edges, ...rest.edges].map((edge: any) => edge.node.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await app.run(q, {}, member)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(q, {}, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await app.run(q, { after: 'garbage' }, admin)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('updateMe', () => {
  it('trims and saves the name; a missing name changes nothing', async () => {
    expect((await app.run(UPDATE_ME, { input: { name: '  Mia M.  ' } }, member)).data.updateMe).toEqual({ id: MEMBER_ID, name: 'Mia M.' });
    expect((await app.run(UPDATE_ME, { input: {} }, member)).data.updateMe.name).toBe('Mia M.');
    expect((await profileRows()).find((row) => row.id === MEMBER_ID)?.name).toBe('Mia M.');
  });

  it.each([['   '], ['x'.repeat(101)]])('rejects the name %j', async (name) => {
    const { errors } = await app.run(UPDATE_ME, { input: { name } }, member);
    expect(errors?.[0]).toMatchObject({ message: 'name must be 1 to 100 characters.', extensions: { code: 'BAD_USER_INPUT', field: 'name' } });
  });

  it('needs a signed-in user', async () => {
    expect((await app.run(UPDATE_ME, { input: { name: 'Anon' } }, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('setUserRole', () => {
  it('lets an admin change another user’s role and records it in the audit log', async () => {
    const { data, errors } = await app.run(SET_ROLE, { userId: OTHER_ID, role: 'ADMIN' }, admin);
    expect(errors).toBeUndefined();
    expect(data.setUserRole).toEqual({ id: OTHER_ID, role: 'ADMIN' });
    expect((await profileRows()).find((row) => row.id === OTHER_ID)?.role).toBe('ADMIN');
    expect(audit.calls.at(-1)).toMatchObject({
      service: 'admin',
      variables: { input: { actorId: ADMIN_ID, action: 'SET_USER_ROLE', target: `User:${OTHER_ID}` } },
    });
    await app.run(SET_ROLE, { userId: OTHER_ID, role: 'MEMBER' }, admin);
  });

  it('refuses an admin changing their own role', async () => {
    const { errors } = await app.run(SET_ROLE, { userId: ADMIN_ID, role: 'MEMBER' }, admin);
    expect(errors?.[0]).toMatchObject({ message: 'You cannot change your own role.', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await profileRows()).find((row) => row.id === ADMIN_ID)?.role).toBe('ADMIN');
  });

  it('answers BAD_USER_INPUT for a malformed id and NOT_FOUND for an unknown one', async () => {
    const malformed = await app.run(SET_ROLE, { userId: 'nope', role: 'ADMIN' }, admin);
    expect(malformed.errors?.[0]).toMatchObject({ message: 'userId is not a valid id.', extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await app.run(SET_ROLE, { userId: UNKNOWN_ID, role: 'ADMIN' }, admin);
    expect(unknown.errors?.[0]).toMatchObject({ message: `User ${UNKNOWN_ID} was not found.`, extensions: { code: 'NOT_FOUND' } });
  });

  it('is for admins only', async () => {
    const calls = audit.calls.length;
    expect((await app.run(SET_ROLE, { userId: MEMBER_ID, role: 'ADMIN' }, member)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await app.run(SET_ROLE, { userId: MEMBER_ID, role: 'ADMIN' }, asGateway())).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await profileRows()).find((row) => row.id === MEMBER_ID)?.role).toBe('MEMBER');
    expect(audit.calls.length).toBe(calls);
  });
});

describe('User entities', () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email role } } }`;
  const refs = (...ids: string[]) => ({ r: ids.map((id) => ({ __typename: 'User', id })) });

  it('resolves references for other services, null for unknown and malformed ids', async () => {
    const { data, errors } = await app.run(ENTITIES, refs(MEMBER_ID, UNKNOWN_ID, 'nope'), asService('booking'));
    expect(errors).toBeUndefined();
    expect(data._entities).toEqual([{ id: MEMBER_ID, email: 'mia@example.com', role: 'MEMBER' }, null, null]);
  });

  it('lets the gateway read a user’s own entity and an admin any, but not another member’s email', async () => {
    expect((await app.run(ENTITIES, refs(MEMBER_ID), member)).data._entities).toEqual([{ id: MEMBER_ID, email: 'mia@example.com', role: 'MEMBER' }]);
    expect((await app.run(ENTITIES, refs(MEMBER_ID), admin)).data._entities[0].email).toBe('mia@example.com');
    const leak = await app.run(ENTITIES, refs(MEMBER_ID), other);
    expect(leak.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(leak.data?._entities ?? [null]).toEqual([null]);
    expect(JSON.stringify(leak)).not.toContain('mia@example.com');
  });
});

it('_userCount is for platform services only', async () => {
  expect((await app.run('{ _userCount }', {}, asService('admin'))).data._userCount).toBe((await profileRows()).length);
  expect((await app.run('{ _userCount }', {}, admin)).errors?.[0].extensions.code).toBe('FORBIDDEN');
});
