/**
 * Booking events through RabbitMQ (the machine's real broker, a per-run AMQP_PREFIX): the consumer
 * records the email once however often the event arrives, retries a failing delivery with backoff
 * until FAILED with the reason (visible in myNotifications), and parks an event it can never use.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { asGateway, initTestApp, untilReady, waitFor, inspectBroker, type BrokerInspector } from '@wsb/kernel/src/testing';
import { sampleCreatedPayload } from '@wsb/booking-events/src/testing';
import { createNotificationSubgraph } from '../src/subgraph';
import { CapturingMailer, settled, type App } from './helpers';

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `nt${randomBytes(4).toString('hex')}`;
const QUEUE = `${prefix}.notification.booking-events`;
const mailer = new CapturingMailer();
let app: App;
let broker: BrokerInspector;

beforeAll(async () => {
  app = await initTestApp(createNotificationSubgraph({ mailer }), {
    config: { notifyMaxAttempts: 3, notifyRetryBaseMs: 20 },
    env: { AMQP_URL, AMQP_PREFIX: prefix, AMQP_RETRY_DELAY_MS: '100' },
  });
  broker = await inspectBroker(AMQP_URL, prefix, { exchange: 'booking.events', queues: ['notification.booking-events'] });
  await untilReady(app);
});
afterAll(async () => {
  await app.close();
  await broker.close();
});
beforeEach(() => mailer.reset());

const created = (patch: Record<string, unknown> = {}) => sampleCreatedPayload({ attendees: 2, occurredAt: new Date().toISOString(), ...patch });
const publish = (type: string, payload: object, messageId: string = randomUUID()) =>
  broker.channel.publish(`${prefix}.booking.events`, type, Buffer.from(JSON.stringify(payload)), { messageId, persistent: true });
const rowsFor = (bookingId: string) =>
  app.orm.em
    .fork()
    .getConnection()
    .execute(`select kind, status, attempts, failure_reason from notification where dedupe_key like ?`, [`%:${bookingId}`]);
const queueEmpty = async () => (await broker.channel.checkQueue(QUEUE)).messageCount === 0;

describe('booking events from RabbitMQ', () => {
  it('sends the confirmation once, however often the event is delivered', async () => {
    const payload = created();
    const messageId = randomUUID();
    for (let i = 0; i < 3; i++) publish('booking.created', payload, messageId);
    await waitFor(async () => (await rowsFor(payload.bookingId)).length === 1 && (await queueEmpty()));
    await new Promise((r) => setTimeout(r, 200));
    await settled(app);
    expect(await rowsFor(payload.bookingId)).toEqual([{ kind: 'BOOKING_CONFIRMED', status: 'SENT', attempts: 1, failure_reason: null }]);
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: 'ada@example.com', subject: 'Booking confirmed: Orion, Tue, 1 Dec 2099, 10:00–11:00 CET' });
  });

  it('retries a failing delivery with backoff and ends FAILED with the reason, shown in myNotifications', async () => {
    mailer.failures = Infinity;
    const payload = created({ reason: 'CANCELLED_BY_ADMIN' });
    publish('booking.cancelled', payload);
    await waitFor(async () => (await rowsFor(payload.bookingId)).length === 1);
    await settled(app);
    expect(mailer.attempts).toHaveLength(3);
    // Backoff: at least 20 ms after the first attempt, at least 40 ms after the second (a busy machine only adds to
    // each wait, so the waits are checked against their floors, not against each other; 2 ms for timer rounding).
    expect(mailer.attempts[1] - mailer.attempts[0]).toBeGreaterThanOrEqual(18);
    expect(mailer.attempts[2] - mailer.attempts[1]).toBeGreaterThanOrEqual(38);
    const { data } = await (app as any).run('{ myNotifications { kind status failureReason } }', {}, asGateway({ id: payload.userId }));
    expect(data.myNotifications).toEqual([{ kind: 'BOOKING_CANCELLED', status: 'FAILED', failureReason: 'mailbox unavailable (550)' }]);
    // The event itself was handled (the email is the delivery worker's to retry): acked, not redelivered.
    expect(await queueEmpty()).toBe(true);
  });

  it('parks an event no retry can make valid, and records nothing', async () => {
    const payload = created({ userEmail: 'not an address' });
    publish('booking.created', payload, 'bad-1');
    const dead = await waitFor(async () => (await broker.channel.get(`${QUEUE}.dead`, { noAck: true })) || undefined);
    expect(dead.properties.messageId).toBe('bad-1');
    expect(dead.properties.headers?.['x-parked-reason']).toBe('input.recipient must be one email address for an EMAIL notification.');
    expect(await rowsFor(payload.bookingId)).toEqual([]);
  });

  it('records the valid events of a burst together and parks only the invalid one', async () => {
    const [a, b] = [created(), created()];
    const bad = created({ userEmail: 'still not an address' });
    publish('booking.created', a);
    publish('booking.created', bad, 'bad-2');
    publish('booking.created', b);
    await waitFor(async () => (await rowsFor(a.bookingId)).length === 1 && (await rowsFor(b.bookingId)).length === 1 && (await queueEmpty()));
    const dead = await waitFor(async () => (await broker.channel.get(`${QUEUE}.dead`, { noAck: true })) || undefined);
    expect(dead.properties.messageId).toBe('bad-2');
    expect(await rowsFor(bad.bookingId)).toEqual([]);
    await settled(app);
    expect(mailer.sent.map((m) => m.to)).toEqual(['ada@example.com', 'ada@example.com']);
  });
});
