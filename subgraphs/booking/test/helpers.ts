/**
 * A booking subgraph on a fresh database, with the five subgraphs it calls stubbed by a "world"
 * whose behaviour a test can change (a payment that fails, a notification that fails twice...).
 */
import { randomUUID } from 'node:crypto';
import { asGateway, initTestApp, stubServices, type TestApp, waitFor as kernelWaitFor } from '@wsb/kernel/src/testing';
import type { BookingConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { UserProfile, WorkspaceInfo } from '../src/dependencies';
import type { BookingServices } from '../src/services';
import { bookingSubgraph } from '../src/subgraph';

export const ALICE = '00000000-0000-4000-8000-0000000000a1';
const BOB = '00000000-0000-4000-8000-0000000000b2';
const ADMIN = '00000000-0000-4000-8000-0000000000ad';
export const alice = asGateway({ id: ALICE });
export const bob = asGateway({ id: BOB });
export const admin = asGateway({ id: ADMIN, role: 'ADMIN' });
export const anonymous = asGateway();

type Vars = Record<string, any>;
/** A recorded call to a stubbed subgraph (variables loosely typed: tests read into them). */
interface Call {
  service: string;
  query: string;
  variables: Vars;
}

/** An `_entities` answer as a subgraph gives it: typed, or null when there is no such entity. */
const entity = <T extends object>(typename: string, value: T | undefined) => (value ? { __typename: typename, ...value } : null);

function createWorld() {
  const world = {
    users: new Map<string, UserProfile>([
      [ALICE, { id: ALICE, email: 'alice@example.com', name: 'Alice' }],
      [BOB, { id: BOB, email: 'bob@example.com', name: 'Bob' }],
      [ADMIN, { id: ADMIN, email: 'admin@example.com', name: 'Admin' }],
    ]),
    workspaces: new Map<string, WorkspaceInfo>(),
    user: (v: Vars): unknown => ({ _entities: v.representations.map((r: { id: string }) => entity('User', world.users.get(r.id))) }),
    workspace: (v: Vars): unknown => ({
      _entities: v.representations.map((r: { id: string }) => entity('Workspace', world.workspaces.get(r.id))),
    }),
    /** The payment subgraph's rows, by booking id: what `_entities` on Booking.payment answers. */
    payments: new Map<string, { id: string; status: string }>(),
    createPayment: (v: Vars): unknown => {
      const payment = { id: randomUUID(), status: 'CAPTURED' };
      world.payments.set(v.input.bookingId, payment);
      return { _createPayment: payment };
    },
    paymentOf: (v: Vars): unknown => ({
      _entities: v.representations.map((r: { id: string }) => ({ __typename: 'Booking', payment: world.payments.get(r.id) ?? null })),
    }),
    refundPayment: (_v: Vars): unknown => ({ _refundPayment: { id: randomUUID(), status: 'REFUNDED' } }),
    /** Answers a batch (the relay's `_sendNotifications`: every input taken) or a single `_sendNotification`. */
    notification: (v: Vars): unknown => (v.inputs ? { _sendNotifications: v.inputs.map(() => null) } : { _sendNotification: { id: randomUUID() } }),
    reporting: (v: Vars): unknown => (v.inputs ? { _recordActivities: v.inputs.map(() => null) } : { _recordActivity: { id: randomUUID() } }),
  };
  return world;
}

type World = ReturnType<typeof createWorld>;

/** Fast outbox timings so retries happen within a test. */
export const FAST_OUTBOX: BookingConfig['outbox'] = {
  pollIntervalMs: 50,
  batchSize: 20,
  retryBaseMs: 50,
  retryMaxMs: 400,
  claimMs: 5000,
  retentionMs: 7 * 24 * 3_600_000,
};

export async function startBookingApp(config: Partial<BookingConfig> = {}, env: Record<string, string> = {}) {
  const world = createWorld();
  const stubs = stubServices({
    user: (_q, v) => world.user(v),
    workspace: (_q, v) => world.workspace(v),
    payment: (q, v) => (q.includes('_createPayment') ? world.createPayment(v) : q.includes('_entities') ? world.paymentOf(v) : world.refundPayment(v)),
    notification: (_q, v) => world.notification(v),
    reporting: (_q, v) => world.reporting(v),
  });
  const app: TestApp<Loaders, BookingConfig, BookingServices> = await initTestApp(bookingSubgraph, {
    subgraphs: stubs.client,
    config: { outbox: FAST_OUTBOX, ...config },
    // These tests make many bookings per user per minute; rate limits are the kernel's to test.
    env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000', ...env },
  });
  return {
    app,
    world,
    calls: stubs.calls as Call[],
    /** Calls to one service whose query mentions `operation`. */
    callsTo: (service: string, operation: string) => (stubs.calls as Call[]).filter((c) => c.service === service && c.query.includes(operation)),
    /**
     * Every item sent to a consumer, one entry per input as `{ variables: { input } }`, whether it
     * went alone (`_sendNotification(input:)`) or in the relay's batch (`_sendNotifications(inputs:)`).
     */
    inputsTo: (service: string, operation: string) =>
      (stubs.calls as Call[])
        .filter((c) => c.service === service && c.query.includes(operation))
        .flatMap((c) => (Array.isArray(c.variables.inputs) ? c.variables.inputs.map((input: unknown) => ({ ...c, variables: { input } })) : [c])),
    addWorkspace(patch: Partial<WorkspaceInfo> = {}): string {
      const id = randomUUID();
      world.workspaces.set(id, {
        id,
        name: 'Orion',
        active: true,
        capacity: 8,
        timezone: 'Europe/Berlin',
        hourlyRate: { amount: 2500, currency: 'EUR' },
        ...patch,
      });
      return id;
    },
    /** Runs `work` with these answers of the world replaced (a service failing, slow...), then puts the originals back. */
    async withWorld<T>(overrides: Partial<World>, work: () => Promise<T>): Promise<T> {
      const originals = Object.fromEntries(Object.keys(overrides).map((key) => [key, world[key as keyof World]]));
      Object.assign(world, overrides);
      try {
        return await work();
      } finally {
        Object.assign(world, originals);
      }
    },
    /** Rows straight from the database (snake_case columns). */
    sql: <T = any>(query: string, params: unknown[] = []) => app.orm.em.fork().getConnection().execute<T[]>(query, params),
    /** Stops the relay and the pending sweeper (tests that drive them by hand). */
    stopBackground: () => Promise.all([app.services.outbox.stop(), app.services.pendingSweep.stop()]),
    /** The kernel stops the services (relay and sweeper) before the ORM closes. */
    close: () => app.close(),
  };
}
export type Harness = Awaited<ReturnType<typeof startBookingApp>>;

export const BOOKING_FIELDS = `id status attendees startsAt endsAt createdAt cancelledAt
  price { amount currency } user { id } workspace { id }`;
export const CREATE = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { ${BOOKING_FIELDS} } }`;
export const CANCEL = `mutation ($id: ID!) { cancelBooking(id: $id) { ${BOOKING_FIELDS} } }`;

const HOUR = 3600_000;
/** A whole hour `hoursAhead` from now (UTC), so slots of one test never depend on the clock's minutes. */
export function hourFromNow(hoursAhead: number): Date {
  return new Date(Math.ceil(Date.now() / HOUR) * HOUR + hoursAhead * HOUR);
}
export const iso = (date: Date) => date.toISOString();
export const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);

/** The kernel's waitFor with this suite's tighter default (2 s). */
export const waitFor = <T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 2000) => kernelWaitFor(check, timeoutMs);
