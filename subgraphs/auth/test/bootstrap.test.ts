import { ConfigError, verifyAccessToken } from '@wsb/kernel';
import { initTestApp, type TestApp } from '@wsb/kernel/src/testing';
import { readConfig, type AuthConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { AuthServices } from '../src/services';
import { authSubgraph } from '../src/subgraph';
import { stubUserSubgraph } from './helpers';

const EMAIL = 'root@example.com';
const PASSWORD = 'bootstrap secret';
const user = stubUserSubgraph();
let app: TestApp<Loaders, AuthConfig, AuthServices>;

/** Polls the /ready hook until it passes: the bootstrap runs in the background. */
async function waitUntilReady(timeoutMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await app.services.bootstrapAdmin.ready();
    } catch (err) {
      if (Date.now() > giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
const credentials = () => app.orm.em.fork().execute('select id, email, password_hash from credential');
const adminProfileCalls = () => user.calls.filter((call) => call.query.includes('_createUserProfile')).map((call) => call.variables.input);

beforeAll(async () => {
  // The user subgraph is not up yet when auth starts: the first attempt fails.
  user.state.down = true;
  app = await initTestApp(authSubgraph, {
    subgraphs: user.client,
    env: { BOOTSTRAP_ADMIN_EMAIL: ' Root@Example.com', BOOTSTRAP_ADMIN_PASSWORD: PASSWORD },
  });
});
afterAll(async () => {
  await app.close();
});

describe('bootstrap admin', () => {
  it('is not ready until the user subgraph has the ADMIN profile, then signs in as ADMIN', async () => {
    await expect(app.services.bootstrapAdmin.ready()).rejects.toThrow('bootstrap admin is pending');
    user.state.down = false;
    await waitUntilReady();
    const [credential] = await credentials();
    expect(await credentials()).toHaveLength(1);
    expect(credential.email).toBe(EMAIL);
    expect(adminProfileCalls()).toEqual([{ id: credential.id, email: EMAIL, name: 'Administrator', role: 'ADMIN' }]);

    const { data, errors } = await app.run('mutation ($i: LoginInput!) { login(input: $i) { accessToken user { role } } }', {
      i: { email: EMAIL, password: PASSWORD },
    });
    expect(errors).toBeUndefined();
    expect(data.login.user.role).toBe('ADMIN');
    expect(await verifyAccessToken(data.login.accessToken, app.config.jwtSecret)).toEqual({ id: credential.id, role: 'ADMIN' });
  });

  it('is idempotent across restarts and leaves an existing password alone', async () => {
    const [before] = await credentials();
    // A restart with a different password configured: the account already exists, so it is kept.
    app.config.bootstrapAdmin = { email: EMAIL, password: 'a different one' };
    await app.services.bootstrapAdmin.start();
    await waitUntilReady();
    expect(await credentials()).toEqual([before]);
    const calls = adminProfileCalls();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
  });
});

describe('auth config', () => {
  const base = { NODE_ENV: 'test' };
  it('has typed defaults', () => {
    const config = readConfig(base);
    expect(config).toMatchObject({ accessTokenTtlSeconds: 900, refreshTokenTtlDays: 30, bootstrapAdmin: undefined });
  });

  it.each([
    [{ BOOTSTRAP_ADMIN_EMAIL: EMAIL }, 'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together'],
    [{ BOOTSTRAP_ADMIN_PASSWORD: PASSWORD }, 'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together'],
    [{ BOOTSTRAP_ADMIN_EMAIL: EMAIL, BOOTSTRAP_ADMIN_PASSWORD: 'short' }, 'BOOTSTRAP_ADMIN_PASSWORD: password must be at least 8 characters.'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'root', BOOTSTRAP_ADMIN_PASSWORD: PASSWORD }, 'BOOTSTRAP_ADMIN_EMAIL must be a valid email address'],
    [{ ACCESS_TOKEN_TTL_SECONDS: 'soon' }, 'ACCESS_TOKEN_TTL_SECONDS must be an integer'],
  ])('refuses %j', (env, problem) => {
    expect(() => readConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => readConfig({ ...base, ...env })).toThrow(problem);
  });

  it('makes /ready independent of the bootstrap when none is configured', async () => {
    const plain = authSubgraph.services!(app);
    await expect(plain.bootstrapAdmin.ready()).resolves.toBeUndefined();
  });
});
