/**
 * The benchmark's arms. Each request's answer is checked, including that it belongs to the client
 * that asked (a gateway that merged two users' fetches would answer one with the other's data).
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Platform } from '../../test/support/platform';
import { bearer, gql } from '../../test/support/client';
import { runLoad, type LoadResult } from './load';
import { CREATE_BOOKING, HOURLY_RATE, slot, type Member } from './seed';

const PAGE_QUERY = `query BenchPage($first: Int) {
  myBookings(first: $first) { edges { node { id startsAt status
    user { name email } workspace { name timezone } payment { status amount { amount currency } } } } }
}`;

/** The federated page: booking, user, workspace and payment, for `readers` different users at once. */
export function pageArm(url: string, readers: Member[], first: number, durationMs: number): Promise<LoadResult> {
  return runLoad({
    concurrency: readers.length,
    durationMs,
    async request(client) {
      const reader = readers[client];
      const res = await gql(url, PAGE_QUERY, { first }, bearer(reader.token));
      if (res.errors?.length) return `errors: ${JSON.stringify(res.errors[0])}`;
      const edges = res.data?.myBookings?.edges ?? [];
      if (edges.length !== first) return `expected ${first} bookings, got ${edges.length}`;
      for (const { node } of edges) {
        if (node.user?.email !== reader.email || node.user?.name !== reader.name) return `a booking of ${reader.email} came back as ${node.user?.email}'s`;
        if (node.workspace?.name !== reader.workspace.name) return `wrong workspace ${node.workspace?.name} for ${reader.email}`;
        if (node.status !== 'CONFIRMED' || node.payment?.status !== 'CAPTURED' || node.payment?.amount?.amount !== HOURLY_RATE) {
          return `booking ${node.id}: ${node.status}, payment ${JSON.stringify(node.payment)}`;
        }
      }
      return undefined;
    },
  });
}

const WORKSPACES_QUERY = `query BenchWorkspaces { workspaces(first: 20) { edges { node { id name kind capacity hourlyRate { amount currency } timezone } } } }`;

/** An anonymous single-subgraph query; `headers` carries a service token when called directly on the subgraph. */
export function workspacesArm(graphqlUrl: string, headers: () => Record<string, string>, durationMs: number, concurrency = 10): Promise<LoadResult> {
  return runLoad({
    concurrency,
    durationMs,
    async request() {
      const res = await gql(graphqlUrl, WORKSPACES_QUERY, {}, headers());
      if (res.errors?.length) return `errors: ${JSON.stringify(res.errors[0])}`;
      const edges = res.data?.workspaces?.edges ?? [];
      if (edges.length !== 20 || edges.some((e: any) => !e.node.id || !e.node.name || e.node.hourlyRate.currency !== 'EUR')) {
        return `bad workspaces page: ${JSON.stringify(res.data).slice(0, 200)}`;
      }
      return undefined;
    },
  });
}

/** Slots handed out across rounds, so no two bookings of the run ever overlap. */
let nextSlot = 1000 + Number(process.env.BENCH_SLOT_OFFSET ?? 0);

/**
 * createBooking from `bookers` clients at once; each request books a slot no other request of
 * the run books, in one of the bookers' workspaces (so different users share workspaces), with an
 * idempotency key as a careful client sends.
 */
export function createBookingArm(url: string, bookers: Member[], durationMs: number, created: string[], perSecond?: number): Promise<LoadResult> {
  return runLoad({
    concurrency: bookers.length,
    durationMs,
    perSecond,
    async request(client) {
      const booker = bookers[client];
      const k = nextSlot++;
      const workspace = bookers[k % bookers.length].workspace;
      const input = { workspaceId: workspace.id, ...slot(Math.floor(k / bookers.length)), idempotencyKey: `bench-${randomUUID()}` };
      const res = await gql(url, CREATE_BOOKING, { i: input }, bearer(booker.token));
      if (res.errors?.length) return `errors: ${JSON.stringify(res.errors[0])}`;
      const booking = res.data?.createBooking;
      if (booking?.status !== 'CONFIRMED' || booking.workspace?.id !== workspace.id || booking.price?.amount !== HOURLY_RATE) {
        return `bad booking: ${JSON.stringify(booking)}`;
      }
      created.push(booking.id);
      return undefined;
    },
  });
}

/** The write the booking path protects: one INSERT under the same exclusion constraint, through pg. */
export const BARE_TABLE = `
  create extension if not exists btree_gist;
  create table if not exists bench_booking (
    id uuid primary key,
    workspace_id uuid not null,
    starts_at timestamptz(3) not null,
    ends_at timestamptz(3) not null,
    status varchar(10) not null,
    constraint bench_no_overlap exclude using gist (workspace_id with =, tstzrange(starts_at, ends_at, '[)') with &&)
      where (status <> 'CANCELLED'))`;

const BARE_WORKSPACES = Array.from({ length: 20 }, () => randomUUID());
let nextBareSlot = 0;

export function bareInsertArm(db: Pool, concurrency: number, durationMs: number): Promise<LoadResult> {
  return runLoad({
    concurrency,
    durationMs,
    async request() {
      const k = nextBareSlot++;
      const { startsAt, endsAt } = slot(Math.floor(k / BARE_WORKSPACES.length));
      const result = await db.query(`insert into bench_booking (id, workspace_id, starts_at, ends_at, status) values ($1, $2, $3, $4, 'CONFIRMED')`, [
        randomUUID(),
        BARE_WORKSPACES[k % BARE_WORKSPACES.length],
        startsAt,
        endsAt,
      ]);
      return result.rowCount === 1 ? undefined : `insert wrote ${result.rowCount} rows`;
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every confirmed booking's events are delivered, so their CPU is counted in the arm. */
export async function drained(platform: Platform, bookings: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const [outbox] = await platform.sql<{ n: string }>('booking', 'select count(*) as n from outbox_event where published_at is null');
    const [notes] = await platform.sql<{ n: string }>('notification', `select count(*) as n from notification where kind = 'BOOKING_CONFIRMED'`);
    const [acts] = await platform.sql<{ n: string }>('reporting', `select count(*) as n from activity where kind = 'BOOKING_CREATED'`);
    if (Number(outbox.n) === 0 && Number(notes.n) >= bookings && Number(acts.n) >= bookings) return;
    await sleep(100);
  }
  throw new Error('booking events were not delivered within 60 s');
}
