import * as argon2 from 'argon2';
import { verifyAccessToken } from '@wsb/kernel';
import { initTestApp, type TestApp } from '@wsb/kernel/src/testing';
import type { AuthConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { AuthServices } from '../src/services';
import { authSubgraph } from '../src/subgraph';
import { hashToken } from '../src/tokens';
import { stubUserSubgraph } from './helpers';

const user = stubUserSubgraph();
let app: TestApp<Loaders, AuthConfig, AuthServices>;

const PAYLOAD = 'accessToken refreshToken expiresAt user { id email name role createdAt }';
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { ${PAYLOAD} } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { ${PAYLOAD} } }`;
const REFRESH = `mutation ($token: String!) { refreshToken(refreshToken: $token) { ${PAYLOAD} } }`;
const LOGOUT = 'mutation ($token: String!) { logout(refreshToken: $token) }';
const INVALID_REFRESH = { message: 'The refresh token is invalid or has expired.', extensions: { code: 'UNAUTHENTICATED' } };

async function sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
  return app.orm.em.fork().execute(query, params);
}
async function register(email: string, password = 'correct horse', name = 'Test User') {
  const { data, errors } = await app.run(REGISTER, { input: { email, password, name } });
  expect(errors).toBeUndefined();
  return data.register;
}
const login = (email: string, password: string) => app.run(LOGIN, { input: { email, password } });
const refresh = (token: string) => app.run(REFRESH, { token });

beforeAll(async () => {
  app = await initTestApp(authSubgraph, { subgraphs: user.client });
});
afterAll(() => app.close());
beforeEach(() => {
  user.state.down = false;
});

describe('register', () => {
  it('creates the credential and a MEMBER profile and signs the user in', async () => {
    const before = Date.now();
    const payload = await register('  Reg@Example.COM ', 'correct horse', '  Regina  ');
    expect(payload.user).toEqual({ id: expect.any(String), email: 'reg@example.com', name: 'Regina', role: 'MEMBER', createdAt: expect.any(String) });
    expect(user.calls.at(-1)?.variables).toEqual({ input: { id: payload.user.id, email: 'reg@example.com', name: 'Regina', role: 'MEMBER' } });
    const [credential] = await sql('select id, email, password_hash from credential where email = ?', ['reg@example.com']);
    expect(credential.id).toBe(payload.user.id);
    expect(credential.password_hash).toMatch(/^\$argon2id\$/);
    expect(credential.password_hash).not.toContain('correct horse');
    // The refresh token itself is never stored, only its SHA-256.
    const tokens = await sql('select token_hash, user_id from refresh_token where user_id = ?', [payload.user.id]);
    expect(tokens).toEqual([{ token_hash: hashToken(payload.refreshToken), user_id: payload.user.id }]);
    expect(payload.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAt = new Date(payload.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 899_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 901_000);
  });

  it('issues an access token the gateway accepts, carrying the role', async () => {
    const payload = await register('token@example.com');
    expect(await verifyAccessToken(payload.accessToken, app.config.jwtSecret)).toEqual({ id: payload.user.id, role: 'MEMBER' });
    expect(await verifyAccessToken(payload.accessToken, new TextEncoder().encode('x'.repeat(40)))).toBeUndefined();
  });

  it('refuses a duplicate email, whatever its case', async () => {
    await register('dup@example.com');
    const { errors } = await app.run(REGISTER, { input: { email: ' DUP@example.com', password: 'another pass', name: 'Dup' } });
    expect(errors?.[0]).toMatchObject({ message: 'An account with this email already exists.', extensions: { code: 'BAD_USER_INPUT' } });
    expect(await sql('select id from credential where email = ?', ['dup@example.com'])).toHaveLength(1);
  });

  it.each([
    [{ password: 'short' }, 'password must be at least 8 characters.'],
    [{ password: 'x'.repeat(257) }, 'password must be at most 256 characters.'],
    [{ email: 'not-an-email' }, 'email is not a valid email address.'],
    [{ email: 'a@b' }, 'email is not a valid email address.'],
    [{ email: `${'a'.repeat(250)}@example.com` }, 'email is not a valid email address.'],
    [{ name: '  ' }, 'name must be 1 to 100 characters.'],
  ])('rejects %j', async (patch, message) => {
    const input = { email: 'bad-input@example.com', password: 'long enough', name: 'Bad', ...patch };
    const { errors } = await app.run(REGISTER, { input });
    expect(errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    expect(await sql('select id from credential where email = ?', ['bad-input@example.com'])).toEqual([]);
  });

  it('rolls the credential back when the user subgraph is unavailable', async () => {
    user.state.down = true;
    const { errors } = await app.run(REGISTER, { input: { email: 'down@example.com', password: 'correct horse', name: 'Down' } });
    expect(errors?.[0].extensions.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(await sql('select id from credential where email = ?', ['down@example.com'])).toEqual([]);
    user.state.down = false;
    expect((await register('down@example.com')).user.email).toBe('down@example.com');
  });
});

describe('login', () => {
  it('signs in with the current profile and role, and records the attempt', async () => {
    const { user: registered } = await register('login@example.com', 'login password', 'Lou');
    user.profiles.get(registered.id)!.role = 'ADMIN'; // an admin promoted Lou meanwhile
    const { data, errors } = await login(' LOGIN@example.com', 'login password');
    expect(errors).toBeUndefined();
    expect(data.login.user).toEqual({ ...registered, role: 'ADMIN' });
    expect(await verifyAccessToken(data.login.accessToken, app.config.jwtSecret)).toEqual({ id: registered.id, role: 'ADMIN' });
    expect(await sql('select succeeded from login_attempt where email = ?', ['login@example.com'])).toEqual([{ succeeded: true }]);
  });

  it('gives a wrong password and an unknown email the same answer, and records both', async () => {
    await register('guess@example.com', 'the real one');
    const wrong = await login('guess@example.com', 'not the real one');
    const unknown = await login('nobody@example.com', 'not the real one');
    expect(wrong.errors).toEqual([
      { message: 'Email or password is incorrect.', locations: expect.any(Array), path: ['login'], extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    expect(unknown).toEqual(wrong);
    const attempts = await sql("select email, succeeded from login_attempt where email in ('guess@example.com', 'nobody@example.com') order by email");
    expect(attempts).toEqual([
      { email: 'guess@example.com', succeeded: false },
      { email: 'nobody@example.com', succeeded: false },
    ]);
  });
});

describe('password hashes', () => {
  const current = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/; // OWASP: 19 MiB, 2 iterations, 1 lane

  it('stores new passwords with the current parameters', async () => {
    await register('params@example.com', 'params password');
    const [{ password_hash }] = await sql('select password_hash from credential where email = ?', ['params@example.com']);
    expect(password_hash).toMatch(current);
  });

  it('still verifies a hash made with the old parameters, and replaces it on a successful login only', async () => {
    await register('legacy@example.com', 'legacy password');
    // The library's defaults, which every hash had before: 64 MiB, 3 iterations, 4 lanes.
    const legacy = await argon2.hash('legacy password', { type: argon2.argon2id });
    expect(legacy).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
    await sql('update credential set password_hash = ? where email = ?', [legacy, 'legacy@example.com']);
    const stored = async () => (await sql('select password_hash from credential where email = ?', ['legacy@example.com']))[0].password_hash;

    expect((await login('legacy@example.com', 'wrong password')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await stored()).toBe(legacy);
    const first = await login('legacy@example.com', 'legacy password');
    expect(first.errors).toBeUndefined();
    const rehashed = await stored();
    expect(rehashed).toMatch(current);
    expect(await argon2.verify(rehashed, 'legacy password')).toBe(true);
    expect((await login('legacy@example.com', 'legacy password')).errors).toBeUndefined();
    expect(await stored()).toBe(rehashed); // a current hash is left alone
  });
});

describe('refreshToken', () => {
  it('rotates: the old token stops working, and replaying it revokes the new one too', async () => {
    const first = await register('rotate@example.com');
    const second = await refresh(first.refreshToken);
    expect(second.errors).toBeUndefined();
    expect(second.data.refreshToken.refreshToken).not.toBe(first.refreshToken);
    expect(second.data.refreshToken.user).toEqual(first.user);
    expect(await verifyAccessToken(second.data.refreshToken.accessToken, app.config.jwtSecret)).toEqual({ id: first.user.id, role: 'MEMBER' });

    expect((await refresh(first.refreshToken)).errors?.[0]).toMatchObject(INVALID_REFRESH);
    expect((await refresh(second.data.refreshToken.refreshToken)).errors?.[0]).toMatchObject(INVALID_REFRESH);
    const family = await sql('select used_at, revoked_at from refresh_token where user_id = ?', [first.user.id]);
    expect(family).toHaveLength(2);
    expect(family.every((token) => token.revoked_at !== null)).toBe(true);
  });

  it('carries the role as it is now', async () => {
    const first = await register('promoted@example.com');
    user.profiles.get(first.user.id)!.role = 'ADMIN';
    const { data } = await refresh(first.refreshToken);
    expect(data.refreshToken.user.role).toBe('ADMIN');
    expect((await verifyAccessToken(data.refreshToken.accessToken, app.config.jwtSecret))?.role).toBe('ADMIN');
  });

  it('refuses unknown and expired tokens', async () => {
    expect((await refresh('made-up')).errors?.[0]).toMatchObject(INVALID_REFRESH);
    const expiring = await register('expired@example.com');
    await sql("update refresh_token set expires_at = now() - interval '1 second' where token_hash = ?", [hashToken(expiring.refreshToken)]);
    expect((await refresh(expiring.refreshToken)).errors?.[0]).toMatchObject(INVALID_REFRESH);
  });

  it('keeps the token usable when the user subgraph is unavailable', async () => {
    const first = await register('retry@example.com');
    user.state.down = true;
    expect((await refresh(first.refreshToken)).errors?.[0].extensions.code).toBe('DEPENDENCY_UNAVAILABLE');
    user.state.down = false;
    expect((await refresh(first.refreshToken)).errors).toBeUndefined();
  });
});

describe('logout', () => {
  it('revokes the sign-in: true once, then false; unknown tokens are false', async () => {
    const session = await register('logout@example.com');
    const rotated = (await refresh(session.refreshToken)).data.refreshToken;
    expect((await app.run(LOGOUT, { token: rotated.refreshToken })).data).toEqual({ logout: true });
    expect((await refresh(rotated.refreshToken)).errors?.[0]).toMatchObject(INVALID_REFRESH);
    expect((await app.run(LOGOUT, { token: rotated.refreshToken })).data).toEqual({ logout: false });
    expect((await app.run(LOGOUT, { token: 'made-up' })).data).toEqual({ logout: false });
    const family = await sql('select revoked_at from refresh_token where user_id = ?', [session.user.id]);
    expect(family.every((token) => token.revoked_at !== null)).toBe(true);
  });
});

it('answers _service, which the gateway composes from', async () => {
  const { errors } = await app.run('{ __typename _service { sdl } }');
  expect(errors).toBeUndefined();
});
