/**
 * The permission matrix's fixtures: member A owns a booking, a cancelled (refunded) booking, their
 * payments and notifications; member B and the admin hold bookings of their own in the same workspace.
 * Created through the gateway as a client would, once the platform is up.
 */
import { waitFor } from '@wsb/kernel/src/testing';
import { bearer, gql, type GraphQLResult } from '../../support/client';
import { ADMIN, PASSWORD, type Fixtures, type Member, type Probe, type Who } from './expected';

/** The platform the matrix runs against: the test sets url once it is up; createFixtures sets fx. */
export const session = { url: '', fx: {} as Fixtures };

/** Whole hours from now, at a round hour, so bookings are never in the past. */
export function slot(dayOffset: number, startHour: number, hours = 1) {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + dayOffset);
  start.setUTCHours(startHour, 0, 0, 0);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + hours * 3600_000).toISOString() };
}

export const headersOf = (who: Who): Record<string, string> => (who === 'anonymous' ? {} : bearer(session.fx[who].token));
export const run = (who: Who, probe: Probe) => gql(session.url, probe.query, probe.variables, headersOf(who));

export function must<T = any>(res: GraphQLResult<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`fixture request failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export async function register(name: string, email: string): Promise<Member> {
  const data = must(
    await gql(session.url, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`, { i: { email, password: PASSWORD, name } }),
  );
  return { id: data.register.user.id, email, token: data.register.accessToken };
}

export async function book(member: Member, when: { startsAt: string; endsAt: string }): Promise<string> {
  const data = must(
    await gql(
      session.url,
      `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id status } }`,
      { i: { workspaceId: session.fx.workspaceId, ...when } },
      bearer(member.token),
    ),
  );
  expect(data.createBooking.status).toBe('CONFIRMED');
  return data.createBooking.id;
}

export async function createWorkspace(name: string): Promise<string> {
  const input = {
    name,
    description: 'Quiet corner by the window',
    kind: 'MEETING_ROOM',
    capacity: 4,
    hourlyRate: { amount: 2000, currency: 'EUR' },
    timezone: 'Europe/Berlin',
  };
  return must(
    await gql(session.url, `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`, { i: input }, bearer(session.fx.admin.token)),
  ).createWorkspace.id;
}

export async function freshRefreshToken(f: Fixtures): Promise<string> {
  const data = must(
    await gql(session.url, `mutation ($i: LoginInput!) { login(input: $i) { refreshToken } }`, { i: { email: f.memberA.email, password: PASSWORD } }),
  );
  return data.login.refreshToken;
}

/** Creates the fixtures (and waits for the relay to deliver their notifications and activity). */
export async function createFixtures(): Promise<Fixtures> {
  const login = must(await gql(session.url, `mutation ($i: LoginInput!) { login(input: $i) { accessToken user { id } } }`, { i: ADMIN }));
  const admin = { id: login.login.user.id, email: ADMIN.email, token: login.login.accessToken };
  const fx = (session.fx = { admin } as Fixtures);
  fx.memberA = await register('Ann', 'ann@example.com');
  fx.memberB = await register('Bob', 'bob@example.com');
  fx.workspaceId = await createWorkspace('Orion');
  fx.bookingA = await book(fx.memberA, slot(2, 9));
  fx.cancelledA = await book(fx.memberA, slot(2, 11));
  await book(fx.memberB, slot(3, 9));
  await book(admin, slot(3, 11));
  must(await gql(session.url, `mutation ($id: ID!) { cancelBooking(id: $id) { status } }`, { id: fx.cancelledA }, bearer(fx.memberA.token)));
  const payments = must(
    await gql(
      session.url,
      `query ($a: ID!, $b: ID!) { a: booking(id: $a) { payment { id } } b: booking(id: $b) { payment { id status refundedAt } } }`,
      { a: fx.bookingA, b: fx.cancelledA },
      bearer(fx.memberA.token),
    ),
  );
  fx.paymentA = payments.a.payment.id;
  fx.refundedA = payments.b.payment.id;
  expect(payments.b.payment.status).toBe('REFUNDED');
  fx.reportRange = { from: slot(-1, 0).startsAt, to: slot(30, 0).startsAt };
  // The outbox relay delivers to notification and reporting in the background.
  await waitFor(async () => {
    const res = await gql(session.url, `{ myNotifications { status } }`, {}, bearer(fx.memberA.token));
    const sent = (res.data?.myNotifications ?? []).filter((n: { status: string }) => n.status === 'SENT');
    return sent.length >= 3 ? true : undefined;
  }, 30_000);
  await waitFor(async () => {
    const res = await gql(session.url, `{ activity { totalCount } }`, {}, bearer(admin.token));
    return res.data?.activity.totalCount >= 5 ? true : undefined;
  }, 30_000);
  return fx;
}
