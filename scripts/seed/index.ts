/**
 * `./dev.sh seed`: a realistic demo on a running platform, idempotent (a second run changes
 * nothing: everything is looked up first, and bookings carry stable idempotency keys).
 *
 * - The admin is the bootstrap admin (BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD, which
 *   dev.sh sets and hands to auth-service); it signs in through the gateway.
 * - Workspaces: createWorkspace through the gateway, as that admin.
 * - Members: registered (and, when a booking must be made for them, signed in) on the auth
 *   subgraph's own API under the service identity `seed`, since the gateway's login limits
 *   (RATE_LIMIT_AUTH_PER_IP: 50 per address per 15 min) count clients, and 50 registrations from
 *   one address are exactly what they are there to stop.
 * - Upcoming bookings: createBooking (and cancelBooking for some) through the gateway as each
 *   member, so every rule runs: capacity, overlap, payment, outbox, notification, reporting.
 * - The past two weeks: the API refuses bookings in the past, so that history is written straight
 *   into the booking, payment and reporting databases (as an import would), with ids derived from
 *   the idempotency keys and `on conflict do nothing`.
 */
import { Client } from 'pg';
import { EnvReader, serviceDatabaseUrl, parseServiceKeys } from '../../packages/kernel/src/config';
import { signServiceToken } from '../../packages/kernel/src/identity';
import { DEFAULT_PORTS, serviceEntry, serviceUrl } from '../../packages/kernel/src/services';
import { MEMBER_PASSWORD, demoMembers, demoWorkspaces, plannedBookings, uuidOf, type PlannedBooking } from './data';

const env = process.env;
const GATEWAY = `http://localhost:${env[serviceEntry('gateway').portEnv] ?? DEFAULT_PORTS.gateway}/graphql`;
const AUTH = `${serviceUrl('auth', env)}/graphql`;
const ADMIN_EMAIL = env.BOOTSTRAP_ADMIN_EMAIL ?? '';
const ADMIN_PASSWORD = env.BOOTSTRAP_ADMIN_PASSWORD ?? '';
/** Bookings that start this soon or earlier are history (the API would refuse them as past). */
const API_LEAD_MS = 10 * 60_000;

class SeedError extends Error {}

/**
 * One operation. RATE_LIMITED (a busy password hasher, say) is waited out as its retryAfter says;
 * a transient failure (DEPENDENCY_UNAVAILABLE, a dropped connection) is retried with backoff,
 * which every operation here tolerates: reads, createBooking and cancelBooking are idempotent,
 * and createWorkspace and register look up what a lost answer may have made (see their callers).
 */
async function post(url: string, query: string, variables: object, authorization?: string, attempt = 1): Promise<any> {
  try {
    return await postOnce(url, query, variables, authorization);
  } catch (err) {
    const { code, retryAfter } = err as { code?: string; retryAfter?: number };
    const transient = code === 'DEPENDENCY_UNAVAILABLE' || !(err instanceof SeedError);
    if ((code !== 'RATE_LIMITED' && !transient) || attempt >= 8) throw err;
    const seconds = code === 'RATE_LIMITED' ? Math.min(Math.max(retryAfter ?? 1, 1), 30) : attempt;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return post(url, query, variables, authorization, attempt + 1);
  }
}

async function postOnce(url: string, query: string, variables: object, authorization?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[] };
  if (body.errors?.length) {
    const [e] = body.errors;
    throw Object.assign(new SeedError(`${e.message} (${e.extensions?.code ?? res.status})`), {
      code: e.extensions?.code,
      retryAfter: e.extensions?.retryAfter,
    });
  }
  return body.data;
}
const gateway = (query: string, variables: object, token?: string) => post(GATEWAY, query, variables, token && `Bearer ${token}`);

async function auth(query: string, variables: object): Promise<any> {
  const r = new EnvReader(env);
  const keys = parseServiceKeys(r.str('SERVICE_JWT_KEYS', ''), []);
  return post(AUTH, query, variables, `Bearer ${await signServiceToken({ caller: 'seed' }, keys)}`);
}

async function pool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

async function adminToken(): Promise<string> {
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) throw new SeedError('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set');
  try {
    const data = await gateway('mutation SeedAdminLogin($input: LoginInput!) { login(input: $input) { accessToken user { role } } }', {
      input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    if (data.login.user.role !== 'ADMIN') throw new SeedError(`${ADMIN_EMAIL} is not an admin`);
    return data.login.accessToken;
  } catch (err) {
    if ((err as { code?: string }).code === 'UNAUTHENTICATED') {
      console.error(`seed: cannot sign in as ${ADMIN_EMAIL}: auth-service was started without these BOOTSTRAP_ADMIN_* settings`);
      process.exit(3); // dev.sh restarts auth-service with them and runs the seed again
    }
    throw err;
  }
}

async function ensureWorkspaces(admin: string, counts: Counts): Promise<Map<string, string>> {
  const list = async () => {
    const data = await gateway('query SeedWorkspaces { workspaces(first: 100) { edges { node { id name } } } }', {}, admin);
    return new Map<string, string>(data.workspaces.edges.map((e: any) => [e.node.name, e.node.id]));
  };
  let ids = await list();
  for (const w of demoWorkspaces()) {
    if (ids.has(w.name)) continue;
    const input = {
      name: w.name,
      description: w.description,
      kind: w.kind,
      capacity: w.capacity,
      hourlyRate: { amount: w.hourlyRate, currency: 'EUR' },
      timezone: w.timezone,
    };
    try {
      const data = await postOnce(
        GATEWAY,
        'mutation SeedCreateWorkspace($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id } }',
        { input },
        `Bearer ${admin}`,
      );
      ids.set(w.name, data.createWorkspace.id);
      counts.workspaces++;
    } catch (err) {
      // Not idempotent by itself: after a lost answer, look before trying again.
      await new Promise((r) => setTimeout(r, 2000));
      ids = await list();
      if (!ids.has(w.name)) throw err;
      counts.workspaces++;
    }
  }
  return ids;
}

/** Member ids by email, registering the missing ones; the tokens of those just registered. */
async function ensureMembers(admin: string, counts: Counts): Promise<{ ids: Map<string, string>; tokens: Map<string, string> }> {
  const listed = await gateway('query SeedUsers { users(first: 100) { edges { node { id email } } } }', {}, admin);
  const ids = new Map<string, string>(listed.users.edges.map((e: any) => [e.node.email, e.node.id]));
  const tokens = new Map<string, string>();
  await pool(
    demoMembers().filter((m) => !ids.has(m.email)),
    2,
    async (m) => {
      let payload: { accessToken: string; user: { id: string } };
      try {
        payload = (
          await auth('mutation SeedRegister($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }', {
            input: { email: m.email, password: MEMBER_PASSWORD, name: m.name },
          })
        ).register;
      } catch (err) {
        // A retried registration whose first answer was lost: the account is there, sign in.
        if ((err as { code?: string }).code !== 'BAD_USER_INPUT') throw err;
        payload = (
          await auth('mutation SeedLogin($input: LoginInput!) { login(input: $input) { accessToken user { id } } }', {
            input: { email: m.email, password: MEMBER_PASSWORD },
          })
        ).login;
      }
      ids.set(m.email, payload.user.id);
      tokens.set(m.email, payload.accessToken);
      counts.members++;
    },
  );
  return { ids, tokens };
}

interface Counts {
  workspaces: number;
  members: number;
  bookings: number;
  cancelled: number;
  history: number;
}

/** Upcoming bookings through the gateway, as their members; bookings already there are left alone. */
async function upcoming(
  plan: PlannedBooking[],
  admin: string,
  ids: Map<string, string>,
  wsIds: Map<string, string>,
  tokens: Map<string, string>,
  counts: Counts,
) {
  // What each member already has (the admin may read anyone's bookings): workspace + start -> booking.
  const have = new Map<string, { id: string; status: string }>();
  await pool([...new Set(plan.map((b) => b.member.email))], 8, async (email) => {
    const data = await gateway(
      'query SeedMemberBookings($id: ID!) { user(id: $id) { bookings(first: 100) { edges { node { id startsAt status workspace { id } } } } } }',
      { id: ids.get(email) },
      admin,
    );
    for (const { node } of data.user?.bookings.edges ?? []) have.set(`${node.workspace.id}|${new Date(node.startsAt).toISOString()}`, node);
  });
  const token = async (email: string) => {
    if (!tokens.has(email)) {
      const data = await auth('mutation SeedLogin($input: LoginInput!) { login(input: $input) { accessToken user { id } } }', {
        input: { email, password: MEMBER_PASSWORD },
      });
      tokens.set(email, data.login.accessToken);
    }
    return tokens.get(email)!;
  };
  const todo = plan.filter((b) => {
    const found = have.get(`${wsIds.get(b.workspace.name)}|${b.startsAt.toISOString()}`);
    return !found || (b.cancelled && found.status === 'CONFIRMED');
  });
  // Sign in who needs it first, one at a time: password hashing is slow on purpose.
  for (const email of new Set(todo.map((b) => b.member.email))) await token(email);
  await pool(todo, 4, async (b) => {
    const workspaceId = wsIds.get(b.workspace.name)!;
    let booking = have.get(`${workspaceId}|${b.startsAt.toISOString()}`);
    if (!booking) {
      const input = {
        workspaceId,
        startsAt: b.startsAt.toISOString(),
        endsAt: b.endsAt.toISOString(),
        attendees: b.attendees,
        idempotencyKey: b.idempotencyKey,
      };
      const data = await gateway(
        'mutation SeedCreateBooking($input: CreateBookingInput!) { createBooking(input: $input) { id status } }',
        { input },
        await token(b.member.email),
      );
      booking = data.createBooking as { id: string; status: string };
      counts.bookings++;
    }
    if (b.cancelled && booking.status === 'CONFIRMED') {
      await gateway('mutation SeedCancelBooking($id: ID!) { cancelBooking(id: $id) { status } }', { id: booking.id }, await token(b.member.email));
      counts.cancelled++;
    }
  });
}

/** The past two weeks, straight into the databases (the API takes no booking in the past). */
async function history(plan: PlannedBooking[], ids: Map<string, string>, wsIds: Map<string, string>, counts: Counts) {
  const r = new EnvReader(env);
  const db = async (service: 'booking' | 'payment' | 'reporting') => {
    const client = new Client({ connectionString: serviceDatabaseUrl(r, service) });
    await client.connect();
    return client;
  };
  const [booking, payment, reporting] = await Promise.all([db('booking'), db('payment'), db('reporting')]);
  try {
    // What is already there, in three queries: a second run writes nothing and takes a moment.
    const keyOf = (userId: string, key: string) => `${userId}|${key}`;
    const existing = new Map<string, string>(
      (await booking.query(`select id, user_id, idempotency_key from booking where idempotency_key like 'seed:%'`)).rows.map((r) => [
        keyOf(r.user_id, r.idempotency_key),
        r.id,
      ]),
    );
    const ours = plan.map((b) => uuidOf(`booking|${b.idempotencyKey}`));
    const paid = new Set((await payment.query('select booking_id from payment where booking_id = any($1)', [ours])).rows.map((r) => r.booking_id));
    const recorded = new Set(
      (await reporting.query('select kind, booking_id from activity where booking_id = any($1)', [ours])).rows.map((r) => `${r.kind}|${r.booking_id}`),
    );
    for (const b of plan) {
      const id = uuidOf(`booking|${b.idempotencyKey}`);
      const userId = ids.get(b.member.email)!;
      const workspaceId = wsIds.get(b.workspace.name)!;
      const price = Math.ceil((((b.endsAt.getTime() - b.startsAt.getTime()) / 60_000) * b.workspace.hourlyRate) / 60);
      const createdAt = new Date(b.startsAt.getTime() - (1 + (b.attendees % 4)) * 86_400_000);
      const cancelledAt = b.cancelled ? new Date(b.startsAt.getTime() - 6 * 3_600_000) : null;
      if (!existing.has(keyOf(userId, b.idempotencyKey))) {
        const inserted = await booking.query(
          `insert into booking (id, user_id, workspace_id, starts_at, ends_at, attendees, status, price_amount, price_currency,
             idempotency_key, cancelled_at, cancellation_reason, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 'EUR', $9, $10::timestamptz, $11, $12::timestamptz, coalesce($10::timestamptz, $12::timestamptz))
           on conflict do nothing`,
          [
            id,
            userId,
            workspaceId,
            b.startsAt,
            b.endsAt,
            b.attendees,
            b.cancelled ? 'CANCELLED' : 'CONFIRMED',
            price,
            b.idempotencyKey,
            cancelledAt,
            b.cancelled ? 'CANCELLED_BY_USER' : null,
            createdAt,
          ],
        );
        counts.history += inserted.rowCount ?? 0;
        if (inserted.rowCount) existing.set(keyOf(userId, b.idempotencyKey), id);
      }
      // A booking made through the API (while it was still upcoming) has its own id, payment and activity.
      if (existing.get(keyOf(userId, b.idempotencyKey)) !== id) continue;
      if (!paid.has(id)) {
        await payment.query(
          `insert into payment (id, booking_id, user_id, amount, currency, status, provider_ref, created_at, captured_at, refunded_at)
           values ($1, $2, $3, $4, 'EUR', $5, $6, $7, $7, $8) on conflict (booking_id) do nothing`,
          [uuidOf(`payment|${b.idempotencyKey}`), id, userId, price, b.cancelled ? 'REFUNDED' : 'CAPTURED', `seed-${id.slice(0, 8)}`, createdAt, cancelledAt],
        );
      }
      const activity = async (kind: string, at: Date) => {
        if (recorded.has(`${kind}|${id}`)) return;
        await reporting.query(
          `insert into activity (id, kind, booking_id, user_id, workspace_id, starts_at, ends_at, amount, currency, at, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 'EUR', $9, $9) on conflict (kind, booking_id) do nothing`,
          [uuidOf(`${kind}|${b.idempotencyKey}`), kind, id, userId, workspaceId, b.startsAt, b.endsAt, price, at],
        );
      };
      await activity('BOOKING_CREATED', createdAt);
      if (cancelledAt) await activity('BOOKING_CANCELLED', cancelledAt);
    }
  } finally {
    await Promise.all([booking.end(), payment.end(), reporting.end()]);
  }
}

async function main() {
  const started = Date.now();
  const counts: Counts = { workspaces: 0, members: 0, bookings: 0, cancelled: 0, history: 0 };
  const admin = await adminToken();
  const wsIds = await ensureWorkspaces(admin, counts);
  const { ids, tokens } = await ensureMembers(admin, counts);
  const plan = plannedBookings(new Date(), demoMembers(), demoWorkspaces());
  const soon = Date.now() + API_LEAD_MS;
  await history(
    plan.filter((b) => b.startsAt.getTime() <= soon),
    ids,
    wsIds,
    counts,
  );
  await upcoming(
    plan.filter((b) => b.startsAt.getTime() > soon),
    admin,
    ids,
    wsIds,
    tokens,
    counts,
  );

  const members = demoMembers();
  console.log(
    `\nSeeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts.workspaces} workspaces, ${counts.members} members, ` +
      `${counts.bookings} upcoming bookings (${counts.cancelled} cancelled), ${counts.history} past bookings created` +
      (Object.values(counts).every((n) => n === 0) ? ' (everything was already there)' : ''),
  );
  console.log(
    `The demo: ${demoWorkspaces().length} workspaces in 6 time zones, ${members.length} members, ${plan.length} bookings from 14 days ago to 14 days ahead.`,
  );
  console.log('\nDemo logins (mutation { login(input: { email, password }) { accessToken } }):');
  console.log(`  admin   ${ADMIN_EMAIL}  ${ADMIN_PASSWORD}`);
  for (const m of members.slice(0, 3)) console.log(`  member  ${m.email}  ${MEMBER_PASSWORD}`);
  console.log(`  (all ${members.length} members: <first>.<last>@demo.example.com, password ${MEMBER_PASSWORD})`);
}

main().catch((err) => {
  console.error(`seed failed: ${err instanceof SeedError ? err.message : (err as Error).stack}`);
  process.exit(1);
});
