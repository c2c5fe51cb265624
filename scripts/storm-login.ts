/**
 * npm run storm:login [-- --logins 200 --users 20 --refreshers 4 --base-port 17200 --gateway URL]
 *
 * A login storm: `--logins` logins at once (correct passwords, spread over `--users` accounts),
 * while `--refreshers` clients keep exchanging refresh tokens and one client keeps registering.
 * Prints the p50/p99 of refreshToken (and register) idle and during the storm: what the storm
 * costs the auth subgraph's other work. Not a test: timings go here, never into the test suite.
 *
 * Without --gateway it starts a platform of its own (`./dev.sh start all` with its own run dir and
 * database names; services on --base-port + 0..7, the embedded database on + 90, the gateway on
 * + 100, all moved by WSB_E2E_PORT_OFFSET), with the rate limits raised: it is one client address
 * sending hundreds of logins. With --gateway it uses that platform, whose auth limits
 * (RATE_LIMIT_AUTH_PER_IP, RATE_LIMIT_AUTH_PER_EMAIL) must allow the storm.
 */
import { randomBytes } from 'node:crypto';
import { gql, pool } from '../test/support/client';
import { startPlatform, type Platform } from '../test/support/platform';
import { percentile } from './bench/load';
import { arg } from './cli';

const LOGINS = Number(arg('logins') ?? 200);
const USERS = Number(arg('users') ?? 20);
const REFRESHERS = Number(arg('refreshers') ?? 4);
const BASE_PORT = Number(arg('base-port') ?? 17200);
const GATEWAY = arg('gateway') ?? '';
const IDLE_MS = 3000;

const PASSWORD = 'storm-password-1';
const TOKENS = 'accessToken refreshToken';
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { ${TOKENS} } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { ${TOKENS} } }`;
const REFRESH = `mutation ($t: String!) { refreshToken(refreshToken: $t) { ${TOKENS} } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sampled {
  ms: number[];
  failures: string[];
}

async function timed(url: string, query: string, variables: Record<string, unknown>, into: Sampled, field: string): Promise<any> {
  const t0 = performance.now();
  try {
    const res = await gql(url, query, variables);
    const value = res.data?.[field];
    if (!value) into.failures.push(`${res.status} ${res.errors?.[0]?.extensions?.code}: ${res.errors?.[0]?.message}`);
    return value;
  } catch (err) {
    into.failures.push((err as Error).message);
    return undefined;
  } finally {
    into.ms.push(performance.now() - t0);
  }
}

/**
 * Each refresher exchanges its token again as soon as the last exchange answered, until `stop`.
 * After a failed exchange the token may be spent (a rotation that committed after a gateway
 * timeout), so the refresher signs in again, untimed, instead of replaying it.
 */
async function refreshLoops(url: string, tokens: string[], relogin: (i: number) => Promise<string | undefined>, stop: () => boolean): Promise<Sampled> {
  const sampled: Sampled = { ms: [], failures: [] };
  await Promise.all(
    tokens.map(async (token, i) => {
      let current: string | undefined = token;
      while (!stop()) {
        const payload: { refreshToken: string } | undefined = current ? await timed(url, REFRESH, { t: current }, sampled, 'refreshToken') : undefined;
        current = payload?.refreshToken ?? (await relogin(i));
      }
    }),
  );
  return sampled;
}

async function registerLoop(url: string, run: string, stop: () => boolean): Promise<Sampled> {
  const sampled: Sampled = { ms: [], failures: [] };
  for (let i = 0; !stop(); i++) {
    await timed(url, REGISTER, { input: { email: `storm-${run}-new${i}@example.com`, password: PASSWORD, name: `New ${i}` } }, sampled, 'register');
  }
  return sampled;
}

function line(name: string, s: Sampled): string {
  const f = (p: number) => `${percentile(s.ms, p).toFixed(0).padStart(6)} ms`;
  return `${name.padEnd(28)} n=${String(s.ms.length).padStart(4)}  p50 ${f(50)}  p99 ${f(99)}  max ${f(100)}  failed ${s.failures.length}`;
}

async function main() {
  let platform: Platform | undefined;
  let url = GATEWAY;
  if (!url) {
    const base = BASE_PORT + Number(process.env.WSB_E2E_PORT_OFFSET ?? 0);
    const lots = '10000000';
    console.log(`starting a platform (services on ${base}..${base + 7}, gateway on ${base + 100}) ...`);
    platform = await startPlatform({
      basePort: BASE_PORT,
      env: {
        GATEWAY_PORT: String(base + 100),
        EMBEDDED_PG_PORT: String(base + 90),
        LOG_LEVEL: 'warn',
        AMQP_URL: '',
        RATE_LIMIT_AUTH_PER_IP: lots,
        RATE_LIMIT_AUTH_PER_EMAIL: lots,
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: lots,
        RATE_LIMIT_MUTATIONS_PER_MINUTE: lots,
      },
    });
    url = platform.gatewayUrl;
  }
  try {
    const run = randomBytes(3).toString('hex');
    const emails = Array.from({ length: USERS }, (_, i) => `storm-${run}-${i}@example.com`);
    console.log(`registering ${USERS} accounts and ${REFRESHERS} refreshers ...`);
    const refresherEmails = Array.from({ length: REFRESHERS }, (_, i) => `storm-${run}-r${i}@example.com`);
    const relogin = async (i: number) =>
      (await gql(url, LOGIN, { input: { email: refresherEmails[i], password: PASSWORD } }).catch(() => undefined))?.data?.login?.refreshToken as
        string | undefined;
    // Two at a time, retried: on a busy machine a slow hash can time out, and the account may exist then.
    await pool(USERS + REFRESHERS, 2, async (i) => {
      const email = i < USERS ? emails[i] : refresherEmails[i - USERS];
      for (let attempt = 1; ; attempt++) {
        const res = await gql(url, REGISTER, { input: { email, password: PASSWORD, name: `Storm ${i}` } }).catch(
          (err) => ({ errors: [{ message: String(err), extensions: {} }] }) as any,
        );
        const code = res.errors?.[0]?.extensions?.code;
        if (!res.errors || code === 'BAD_USER_INPUT') return; // registered, or registered by an attempt that timed out
        if (attempt === 5) throw new Error(`setup failed: ${code}: ${res.errors[0].message}`);
        await sleep(2000);
      }
    });
    const refreshTokens = (await Promise.all(refresherEmails.map((_, i) => relogin(i)))) as string[];

    let idleOver = false;
    const idleRefresh = refreshLoops(url, refreshTokens, relogin, () => idleOver);
    await sleep(IDLE_MS);
    idleOver = true;
    const idle = await idleRefresh;

    // Fresh refresh tokens: the idle loops rotated the first ones.
    const stormTokens = await Promise.all(refresherEmails.map((_, i) => relogin(i)));
    let stormOver = false;
    const refresh = refreshLoops(url, stormTokens as string[], relogin, () => stormOver);
    const register = registerLoop(url, run, () => stormOver);
    await sleep(300);
    console.log(`${LOGINS} logins at once ...`);
    const logins: Sampled = { ms: [], failures: [] };
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: LOGINS }, (_, i) => timed(url, LOGIN, { input: { email: emails[i % USERS], password: PASSWORD } }, logins, 'login')),
    );
    const stormMs = performance.now() - t0;
    stormOver = true;
    const [during, registers] = await Promise.all([refresh, register]);

    console.log(`\nlogin storm: ${LOGINS} logins over ${USERS} accounts, all sent at once; the last answered after ${(stormMs / 1000).toFixed(1)} s`);
    console.log(line('refreshToken, idle', idle));
    console.log(line('refreshToken, during storm', during));
    console.log(line('register, during storm', registers));
    console.log(line('login (the storm)', logins));
    for (const [name, s] of [
      ['refreshToken', during],
      ['register', registers],
      ['login', logins],
    ] as const) {
      const kinds = new Map<string, number>();
      for (const failure of s.failures) kinds.set(failure, (kinds.get(failure) ?? 0) + 1);
      for (const [failure, n] of kinds) console.log(`  ${name} failed ${n}x: ${failure}`);
    }
  } finally {
    await platform?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
