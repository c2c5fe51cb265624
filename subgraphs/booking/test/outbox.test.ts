import { randomUUID } from 'node:crypto';
import { createLogger } from '@wsb/kernel';
import { stubServices } from '@wsb/kernel/src/testing';
import { sweepStalePending } from '../src/booking/recovery';
import { Booking } from '../src/entities/booking.entity';
import { OutboxEvent } from '../src/entities/outbox-event.entity';
import { bookingConfirmedMessage, formatMoney, type BookingCancelledPayload } from '@wsb/booking-events';
import { sampleCreatedPayload } from '@wsb/booking-events/src/testing';
import { DirectPublisher, type EventPublisher } from '../src/outbox/publisher';
import { OutboxRelay, retryDelayMs } from '../src/outbox/relay';
import { ALICE, CREATE, FAST_OUTBOX, alice, hourFromNow, iso, plus, startBookingApp, waitFor, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startBookingApp();
});
afterAll(() => h.close());

const HOUR = 3600_000;
const log = createLogger({ test: 'outbox' }, 'error');
const eventOf = async (bookingId: string, type = 'booking.created') =>
  (await h.sql(`select * from outbox_event where type = ? and payload ->> 'bookingId' = ?`, [type, bookingId]))[0];

/** A booking.cancelled payload of Alice's as the outbox writes it; each test patches what it is about. */
const payloadOf = (patch: Partial<BookingCancelledPayload> = {}): BookingCancelledPayload & Record<string, unknown> =>
  sampleCreatedPayload({ userId: ALICE, userEmail: 'alice@example.com', userName: 'Alice', reason: 'CANCELLED_BY_USER' as const, ...patch });

async function book(hoursAhead: number) {
  const workspaceId = h.addWorkspace();
  const startsAt = hourFromNow(hoursAhead);
  const result = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, alice);
  return result;
}

/** The booking's booking.created event once `ready` holds for it (the booking itself confirmed at once). */
async function eventWhen({ data, errors }: Awaited<ReturnType<typeof book>>, ready: (event: any) => boolean) {
  expect(errors).toBeUndefined();
  expect(data.createBooking.status).toBe('CONFIRMED');
  return waitFor(async () => {
    const e = await eventOf(data.createBooking.id);
    return ready(e) ? e : undefined;
  }, 5000);
}

describe('outbox relay', () => {
  it('retries a failing consumer with backoff until it succeeds; the notice is sent once', async () => {
    let failures = 0;
    let sent = 0;
    const original = h.world.notification;
    const notification = (v: any) => {
      if (failures < 2) {
        failures += 1;
        throw new Error(`mail server down (${failures})`);
      }
      sent += 1;
      return original(v);
    };
    const event = await h.withWorld({ notification }, async () => eventWhen(await book(24), (e) => Boolean(e?.published_at)));
    expect(sent).toBe(1);
    expect(event.attempts).toBe(2);
    expect(event.last_error).toBe('mail server down (2)');
  });

  it('never fails a booking when notification and reporting are down; the event stays due', async () => {
    const down = (service: string) => () => {
      throw new Error(`${service} down`);
    };
    await h.withWorld({ notification: down('notification'), reporting: down('reporting') }, async () => {
      const event = await eventWhen(await book(30), (e) => e?.attempts >= 3);
      expect(event.published_at).toBeNull();
      expect(event.last_error).toBe('notification down; reporting down');
      expect(new Date(event.next_attempt_at).getTime()).toBeGreaterThan(Date.now() - 50);
    });
    // Both back: the event goes out on the next due retry.
    const id = (await h.sql(`select payload ->> 'bookingId' as id from outbox_event where published_at is null and type = 'booking.created'`))[0].id;
    await waitFor(async () => (await eventOf(id))?.published_at, 5000);
  });

  it('backs off exponentially, capped', () => {
    const settings = { retryBaseMs: 1000, retryMaxMs: 60_000 };
    for (const [attempts, expected] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [6, 32_000],
      [7, 60_000],
      [50, 60_000],
    ]) {
      const delay = retryDelayMs(attempts, settings);
      expect(delay).toBeLessThanOrEqual(expected);
      expect(delay).toBeGreaterThanOrEqual(expected * 0.9);
    }
  });

  it('writes a readable confirmation in the workspace time zone', () => {
    const message = bookingConfirmedMessage(payloadOf({ bookingId: 'b1', workspaceId: 'w1', endsAt: '2099-12-01T10:01:01.000Z', attendees: 3, amount: 2584 }));
    expect(message.subject).toBe('Booking confirmed: Orion, Tue, 1 Dec 2099, 10:00–11:01 CET');
    expect(message.body).toBe(
      [
        'Hello Alice,',
        '',
        'Your booking is confirmed.',
        '',
        'Workspace: Orion',
        'When: Tue, 1 Dec 2099, 10:00–11:01 CET (Europe/Berlin)',
        'Attendees: 3',
        'Price: €25.84',
        'Booking reference: b1',
        '',
        'See you there!',
      ].join('\n'),
    );
    expect(formatMoney(500, 'JPY')).toBe('JP¥500');
  });
});

describe('DirectPublisher', () => {
  // Written without who and what it is about: the publisher looks them up.
  const payload = payloadOf({ userEmail: null, userName: null, workspaceName: null, workspaceTimezone: null });

  it('looks up who to write to when the event was written without it', async () => {
    const stubs = stubServices({
      user: () => ({ _entities: [{ __typename: 'User', id: ALICE, email: 'alice@example.com', name: 'Alice' }] }),
      workspace: () => ({ _entities: [{ __typename: 'Workspace', id: payload.workspaceId, name: 'Orion', timezone: 'Europe/Berlin' }] }),
      notification: () => ({ _sendNotification: { id: 'n' } }),
      reporting: () => ({ _recordActivity: { id: 'a' } }),
    });
    await new DirectPublisher(stubs.client, log).publish({ id: 'e', type: 'booking.cancelled', payload });
    const notice = stubs.calls.find((c) => c.service === 'notification')!.variables.input as Record<string, string>;
    expect(notice).toMatchObject({ recipient: 'alice@example.com', kind: 'BOOKING_CANCELLED', dedupeKey: `BOOKING_CANCELLED:${payload.bookingId}` });
    expect(notice.subject).toBe('Booking cancelled: Orion, Tue, 1 Dec 2099, 10:00–11:00 CET');
    expect(stubs.calls.filter((c) => c.service === 'reporting')).toHaveLength(1);
  });

  it('skips the notice (but still reports) when the user no longer exists; refunds a failed payment', async () => {
    const stubs = stubServices({
      user: () => ({ _entities: [null] }),
      workspace: () => ({ _entities: [null] }),
      reporting: () => ({ _recordActivity: { id: 'a' } }),
      payment: () => ({ _refundPayment: null }),
    });
    const publisher = new DirectPublisher(stubs.client, log);
    await publisher.publish({ id: 'e', type: 'booking.cancelled', payload });
    expect(stubs.calls.map((c) => c.service).sort()).toEqual(['reporting', 'user', 'workspace']);
    await publisher.publish({ id: 'f', type: 'booking.payment_failed', payload: { bookingId: payload.bookingId, userId: ALICE } });
    expect(stubs.calls.at(-1)).toMatchObject({ service: 'payment', variables: { bookingId: payload.bookingId } });
    await expect(publisher.publish({ id: 'g', type: 'booking.unknown', payload: {} })).rejects.toThrow('no consumer for event type booking.unknown');
    const charging = stubServices({ payment: () => ({ _refundPayment: { id: 'p1', status: 'PENDING' } }) });
    await expect(
      new DirectPublisher(charging.client, log).publish({ id: 'h', type: 'booking.payment_failed', payload: { bookingId: payload.bookingId } }),
    ).rejects.toThrow('payment p1 is still being charged; refund retried later');
  });
});

describe('DirectPublisher batches (one request per consumer per round)', () => {
  const event = (type: string, bookingId: string, patch: Partial<BookingCancelledPayload> = {}) => ({
    id: randomUUID(),
    type,
    payload: payloadOf({ bookingId, ...patch }),
  });
  const taken = (v: Record<string, unknown>) => (v.inputs as unknown[]).map(() => null);

  it("sends a round's events to each consumer in one request, in order, each keyed by its event", async () => {
    const stubs = stubServices({ notification: (_q, v) => ({ _sendNotifications: taken(v) }), reporting: (_q, v) => ({ _recordActivities: taken(v) }) });
    const [b1, b2] = [randomUUID(), randomUUID()];
    const events = [event('booking.created', b1), event('booking.created', b2), event('booking.cancelled', b1)];
    expect(await new DirectPublisher(stubs.client, log).publishAll(events)).toEqual([undefined, undefined, undefined]);
    expect(stubs.calls.map((c) => c.service).sort()).toEqual(['notification', 'reporting']);
    const notices = stubs.calls.find((c) => c.service === 'notification')!.variables.inputs as { dedupeKey: string }[];
    expect(notices.map((n) => n.dedupeKey)).toEqual([`BOOKING_CONFIRMED:${b1}`, `BOOKING_CONFIRMED:${b2}`, `BOOKING_CANCELLED:${b1}`]);
    const activities = stubs.calls.find((c) => c.service === 'reporting')!.variables.inputs as { kind: string; bookingId: string }[];
    expect(activities.map((a) => [a.kind, a.bookingId])).toEqual([
      ['BOOKING_CREATED', b1],
      ['BOOKING_CREATED', b2],
      ['BOOKING_CANCELLED', b1],
    ]);
  });

  it('fails only the events a consumer refused or could not take; the rest are delivered', async () => {
    const [b1, b2, b3] = [randomUUID(), randomUUID(), randomUUID()];
    const stubs = stubServices({
      // Notification refuses the second input; reporting takes everything.
      notification: (_q, v) => ({ _sendNotifications: taken(v).map((ok, i) => (i === 1 ? 'input.recipient must be one email address' : ok)) }),
      reporting: (_q, v) => ({ _recordActivities: taken(v) }),
    });
    const events = [event('booking.created', b1), event('booking.created', b2), event('booking.created', b3)];
    const outcomes = await new DirectPublisher(stubs.client, log).publishAll(events);
    expect(outcomes.map((e) => e?.message)).toEqual([undefined, 'input.recipient must be one email address', undefined]);
    // A consumer that is down fails every event it had a part in, with both reasons when both failed.
    const down = stubServices({
      notification: () => {
        throw new Error('notification down');
      },
      reporting: () => {
        throw new Error('reporting down');
      },
    });
    const failed = await new DirectPublisher(down.client, log).publishAll(events);
    expect(failed.map((e) => e?.message)).toEqual(Array(3).fill('notification down; reporting down'));
  });

  it("holds a booking's later events back when an earlier one of the round could not be sent", async () => {
    const [b1, b2] = [randomUUID(), randomUUID()];
    const stubs = stubServices({
      user: () => {
        throw new Error('user subgraph down');
      },
      notification: (_q, v) => ({ _sendNotifications: taken(v) }),
      reporting: (_q, v) => ({ _recordActivities: taken(v) }),
    });
    // b1's creation was written without the address (looked up at delivery, which fails now).
    const created = event('booking.created', b1, { userEmail: null });
    const events = [created, event('booking.created', b2), event('booking.cancelled', b1)];
    const outcomes = await new DirectPublisher(stubs.client, log).publishAll(events);
    expect(outcomes[0]?.message).toBe('user subgraph down');
    expect(outcomes[1]).toBeUndefined();
    expect(outcomes[2]?.message).toBe(`held back behind event ${created.id} of the same booking, not delivered yet`);
    // Only b2's event went out: the cancellation of b1 never overtakes its creation.
    const sent = stubs.calls.filter((c) => c.service === 'notification').flatMap((c) => c.variables.inputs as { dedupeKey: string }[]);
    expect(sent.map((n) => n.dedupeKey)).toEqual([`BOOKING_CONFIRMED:${b2}`]);
  });
});

describe('recovery and several relays (the app relay stopped)', () => {
  beforeAll(() => h.stopBackground());
  /** A PENDING booking of Alice's for an hour `hoursAhead`, written `ageMs` ago (as if its request died then). */
  const pendingSince = (em: ReturnType<typeof h.app.orm.em.fork>, hoursAhead: number, ageMs: number) =>
    em.create(Booking, {
      userId: ALICE,
      workspaceId: h.addWorkspace(),
      startsAt: hourFromNow(hoursAhead),
      endsAt: hourFromNow(hoursAhead + 1),
      priceAmount: 2500,
      priceCurrency: 'EUR',
      createdAt: new Date(Date.now() - ageMs),
    });

  it('cancels a PENDING booking whose request died, and schedules its refund', async () => {
    const em = h.app.orm.em.fork();
    const stale = pendingSince(em, 40, 10 * 60_000);
    const fresh = em.create(Booking, { ...stale, id: randomUUID(), workspaceId: h.addWorkspace(), createdAt: new Date() });
    await em.flush();
    expect(await sweepStalePending(h.app.orm, 120_000, log)).toBe(1);
    const rows = await h.sql('select id, status, cancellation_reason from booking where id in (?, ?) order by created_at', [stale.id, fresh.id]);
    expect(rows).toEqual([
      { id: stale.id, status: 'CANCELLED', cancellation_reason: 'PAYMENT_TIMEOUT' },
      { id: fresh.id, status: 'PENDING', cancellation_reason: null },
    ]);
    expect((await eventOf(stale.id, 'booking.payment_failed'))?.published_at).toBeNull();
  });

  it('schedules the refund BOOKING_REFUND_DELAY_MS after the sweep, and sweeps with a timeout of seconds', async () => {
    const em = h.app.orm.em.fork();
    const stale = pendingSince(em, 42, 9000);
    await em.flush();
    const before = Date.now();
    // The chaos platform's settings: 8 s pending timeout, refunds 6 s later.
    expect(await sweepStalePending(h.app.orm, 8000, log, 6000)).toBe(1);
    const due = new Date((await eventOf(stale.id, 'booking.payment_failed')).next_attempt_at).getTime();
    expect(due).toBeGreaterThanOrEqual(before + 6000 - 5);
    expect(due).toBeLessThan(Date.now() + 6000 + 5);
  });

  it('two relays on one database deliver every event exactly once (skip locked)', async () => {
    await h.sql('update outbox_event set published_at = now()');
    const em = h.app.orm.em.fork();
    for (let i = 0; i < 40; i++) em.create(OutboxEvent, { type: 'test.event', payload: { i } });
    await em.flush();
    const delivered: string[] = [];
    const slow: EventPublisher = {
      async publish(event) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        delivered.push(event.id);
      },
    };
    const settings = { ...FAST_OUTBOX, batchSize: 5 };
    const relays = [new OutboxRelay(h.app.orm, slow, log, settings), new OutboxRelay(h.app.orm, slow, log, settings)];
    relays.forEach((relay) => relay.start());
    await waitFor(async () => (await h.sql(`select count(*)::int as n from outbox_event where published_at is null`))[0].n === 0, 5000);
    await Promise.all(relays.map((relay) => relay.stop()));
    expect(delivered).toHaveLength(40);
    expect(new Set(delivered).size).toBe(40);
  });
});

describe('outbox housekeeping', () => {
  const settings = { ...FAST_OUTBOX, claimMs: 60_000 };
  async function due(type = 'test.event', payload: Record<string, unknown> = {}) {
    const em = h.app.orm.em.fork();
    const event = em.create(OutboxEvent, { type, payload });
    await em.flush();
    return event.id;
  }

  it('holds no transaction and no row lock while it delivers', async () => {
    await h.sql('update outbox_event set published_at = now() where published_at is null');
    const id = await due();
    const seen: { locked: boolean; idleInTransaction: number }[] = [];
    const probe: EventPublisher = {
      async publish(event) {
        if (event.id !== id) return;
        // From another connection, while the event is being delivered.
        let locked = false;
        try {
          await h.sql('select id from outbox_event where id = ? for update nowait', [id]);
        } catch {
          locked = true;
        }
        const [{ n }] = await h.sql(`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`);
        seen.push({ locked, idleInTransaction: n });
      },
    };
    await new OutboxRelay(h.app.orm, probe, log, settings).deliverBatch();
    expect(seen).toEqual([{ locked: false, idleInTransaction: 0 }]);
    expect((await h.sql('select published_at, claimed_until from outbox_event where id = ?', [id]))[0]).toMatchObject({ claimed_until: null });
    expect((await h.sql('select published_at from outbox_event where id = ?', [id]))[0].published_at).not.toBeNull();
  });

  it('hands a round to publishAll in the order written; marks the delivered published and retries a failed one alone', async () => {
    await h.sql('update outbox_event set published_at = now() where published_at is null');
    const ids = [await due('test.event', { n: 1 }), await due('test.event', { n: 2 }), await due('test.event', { n: 3 })];
    const rounds: string[][] = [];
    let refuse: string | undefined = ids[1];
    const batching: EventPublisher = {
      publish: () => Promise.reject(new Error('publishAll is used when there is one')),
      async publishAll(events) {
        rounds.push(events.map((e) => e.id));
        return events.map((e) => (e.id === refuse ? new Error('consumer refused it') : undefined));
      },
    };
    const relay = new OutboxRelay(h.app.orm, batching, log, { ...settings, retryBaseMs: 1, retryMaxMs: 1 });
    expect(await relay.deliverBatch()).toBe(3);
    expect(rounds).toEqual([ids]);
    const rows = await h.sql('select id, published_at, attempts, last_error from outbox_event where id in (?) order by created_at', [ids]);
    expect(rows.map((r: any) => [r.id, Boolean(r.published_at), r.attempts, r.last_error])).toEqual([
      [ids[0], true, 0, null],
      [ids[1], false, 1, 'consumer refused it'],
      [ids[2], true, 0, null],
    ]);
    refuse = undefined;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await relay.deliverBatch()).toBe(1);
    expect(rounds[1]).toEqual([ids[1]]);
    expect((await h.sql('select published_at from outbox_event where id = ?', [ids[1]]))[0].published_at).not.toBeNull();
  });

  it('leaves an event claimed by another relay alone until its lease runs out, then delivers it', async () => {
    await h.sql('update outbox_event set published_at = now() where published_at is null');
    const id = await due();
    await h.sql(`update outbox_event set claimed_until = now() + interval '1 minute' where id = ?`, [id]);
    const delivered: string[] = [];
    const relay = new OutboxRelay(h.app.orm, { publish: async (e) => void delivered.push(e.id) }, log, settings);
    expect(await relay.deliverBatch()).toBe(0);
    // The claiming relay died: its lease ran out.
    await h.sql(`update outbox_event set claimed_until = now() - interval '1 second' where id = ?`, [id]);
    expect(await relay.deliverBatch()).toBe(1);
    expect(delivered).toEqual([id]);
  });

  it('prunes published events past the retention, keeping what cancellation still needs and everything undelivered', async () => {
    await h.sql('update outbox_event set published_at = now() where published_at is null');
    const confirmed = (await book(400)).data.createBooking.id;
    const cancelled = (await book(402)).data.createBooking.id;
    expect((await h.app.run('mutation ($id: ID!) { cancelBooking(id: $id) { status } }', { id: cancelled }, alice)).data.cancelBooking.status).toBe(
      'CANCELLED',
    );
    const oldPublished = await due();
    const oldUndelivered = await due();
    const recentPublished = await due();
    const old = new Date(Date.now() - 8 * 24 * 3_600_000);
    // Delivered a week ago (the relay of this app may be stopped by an earlier test: set directly).
    await h.sql(`update outbox_event set published_at = ?, created_at = ? where payload ->> 'bookingId' in (?, ?) or id in (?)`, [
      old,
      old,
      confirmed,
      cancelled,
      oldPublished,
    ]);
    await h.sql(`update outbox_event set created_at = ?, next_attempt_at = now() + interval '1 hour' where id = ?`, [old, oldUndelivered]);
    await h.sql(`update outbox_event set published_at = now() where id = ?`, [recentPublished]);

    const relay = new OutboxRelay(h.app.orm, { publish: async () => undefined }, log, settings);
    expect(await relay.prune()).toBeGreaterThanOrEqual(3);
    const left = async (where: string, params: unknown[]) =>
      (await h.sql(`select type from outbox_event where ${where} order by type`, params)).map((r: any) => r.type);
    // The live booking's booking.created stays (cancelling it reads its parties); the cancelled one's events go.
    expect(await left(`payload ->> 'bookingId' = ?`, [confirmed])).toEqual(['booking.created']);
    expect(await left(`payload ->> 'bookingId' = ?`, [cancelled])).toEqual([]);
    expect(await left('id in (?)', [[oldPublished]])).toEqual([]);
    expect(await left('id in (?)', [[oldUndelivered, recentPublished]])).toEqual(['test.event', 'test.event']);
    // And the live booking can still be cancelled with its parties.
    const cancel = await h.app.run('mutation ($id: ID!) { cancelBooking(id: $id) { status } }', { id: confirmed }, alice);
    expect(cancel.data.cancelBooking.status).toBe('CANCELLED');
    const [event] = await h.sql(`select payload from outbox_event where type = 'booking.cancelled' and payload ->> 'bookingId' = ?`, [confirmed]);
    expect(event.payload.userEmail).toBe('alice@example.com');
  });
});
