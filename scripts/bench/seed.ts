/**
 * The benchmark's own data, made through the public API of the platform under test: readers with
 * 100 bookings each (all in one workspace of their own, as a real member's history tends to be),
 * bookers who create bookings during the write arm, and enough public workspaces for the
 * single-subgraph arm.
 */
import { bearer, gql } from '../../test/support/client';
import { pool } from '../../test/support/client';

export const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password-1' };
const READERS = 10;
const BOOKERS = 20;
export const PAGE_BOOKINGS = 100;
const PASSWORD = 'bench-password-1';
export const HOURLY_RATE = 1200;
/** Far enough ahead that no rule about the past ever applies. */
const EPOCH = Date.parse('2031-01-06T00:00:00Z');
const HOUR = 3_600_000;

export interface Member {
  email: string;
  name: string;
  token: string;
  /** The member's own workspace. */
  workspace: { id: string; name: string };
}

export interface Seed {
  adminToken: string;
  readers: Member[];
  bookers: Member[];
}

type Answer = { data?: any; errors?: { extensions?: Record<string, any> }[] };

/** Seeding is not measured: an answer to retry ("please try again shortly") is retried. */
async function retried(send: () => Promise<Answer>): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await send();
    if (answer.errors?.[0]?.extensions?.code !== 'DEPENDENCY_UNAVAILABLE' || attempt === 30) return answer;
    await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
  }
}

async function must(result: Promise<Answer>, what: string): Promise<any> {
  const { data, errors } = await result;
  if (errors?.length || !data) throw new Error(`${what}: ${JSON.stringify(errors)}`);
  return data;
}

async function member(url: string, adminToken: string, email: string, name: string): Promise<Member> {
  const signUp = (op: 'register' | 'login') =>
    retried(() =>
      gql(url, `mutation ($i: ${op === 'register' ? 'RegisterInput' : 'LoginInput'}!) { ${op}(input: $i) { accessToken } }`, {
        i: op === 'register' ? { email, password: PASSWORD, name } : { email, password: PASSWORD },
      }),
    );
  // Registered by an earlier run against the same database: log in instead.
  let auth = await signUp('register');
  if (auth.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT') auth = await signUp('login');
  if (!auth.data) throw new Error(`sign-up of ${email}: ${JSON.stringify(auth.errors)}`);
  const token = auth.data.register?.accessToken ?? auth.data.login?.accessToken;
  const ws = await must(
    gql(
      url,
      `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id name } }`,
      { i: { name: `Room of ${name}`, kind: 'MEETING_ROOM', capacity: 8, hourlyRate: { amount: HOURLY_RATE, currency: 'EUR' }, timezone: 'Europe/Berlin' } },
      bearer(adminToken),
    ),
    'createWorkspace',
  );
  return { email, name, token, workspace: ws.createWorkspace };
}

export const CREATE_BOOKING = `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id status workspace { id } price { amount currency } } }`;

/** The i-th one-hour slot of a workspace, counted from EPOCH (bookings never overlap). */
export function slot(i: number): { startsAt: string; endsAt: string } {
  return { startsAt: new Date(EPOCH + i * HOUR).toISOString(), endsAt: new Date(EPOCH + (i + 1) * HOUR).toISOString() };
}

/** `readerBookings` false: the readers get no history (a run without the page arms). */
export async function seed(url: string, readerBookings = true): Promise<Seed> {
  const login = await must(gql(url, `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: ADMIN }), 'admin login');
  const adminToken = login.login.accessToken as string;
  const people = [
    ...Array.from({ length: READERS }, (_, i) => ({ email: `bench-reader-${i}@example.com`, name: `Reader ${i}` })),
    ...Array.from({ length: BOOKERS }, (_, i) => ({ email: `bench-booker-${i}@example.com`, name: `Booker ${i}` })),
  ];
  const members = await pool(people.length, 2, (i) => member(url, adminToken, people[i].email, people[i].name));
  const readers = members.slice(0, READERS);
  await pool(readerBookings ? READERS * PAGE_BOOKINGS : 0, 20, async (n) => {
    const reader = readers[n % READERS];
    const k = Math.floor(n / READERS);
    const data = await must(
      retried(() => gql(url, CREATE_BOOKING, { i: { workspaceId: reader.workspace.id, ...slot(k), idempotencyKey: `bench-seed-${k}` } }, bearer(reader.token))),
      'seed booking',
    );
    if (data.createBooking.status !== 'CONFIRMED') throw new Error(`seed booking ${n}: ${data.createBooking.status}`);
  });
  return { adminToken, readers, bookers: members.slice(READERS) };
}
/**
 * What every benchmark platform runs with besides its own ports and keys: production mode, as the
 * Docker image runs (and as Hive Gateway runs here); one client machine makes thousands of
 * requests a minute (rate limits raised), and a run outlasts an access token's default 15 minutes
 * (seeded members sign in once, so their tokens live a day).
 *
 * NODE_ENV matters to the figures: outside production, graphql-js checks every type test that
 * fails (`isListType` on an object type, say: several per value it completes) for a GraphQL class
 * from another copy of the package, about 170 ns against 33 here.
 */
export const BENCH_PLATFORM_ENV = {
  NODE_ENV: 'production',
  BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
  BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  ACCESS_TOKEN_TTL_SECONDS: '86400',
  RATE_LIMIT_MUTATIONS_PER_MINUTE: '10000000',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
  RATE_LIMIT_AUTH_PER_IP: '100000',
  RATE_LIMIT_AUTH_PER_EMAIL: '100000',
};
