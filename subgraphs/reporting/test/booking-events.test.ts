/**
 * Booking events through RabbitMQ (the machine's real broker, a per-run AMQP_PREFIX): each event
 * becomes one activity row however often it arrives; an event that can never be valid is parked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { initTestApp, type TestApp, untilReady, waitFor, inspectBroker, type BrokerInspector } from '@wsb/kernel/src/testing';
import { sampleCreatedPayload } from '@wsb/booking-events/src/testing';
import { reportingSubgraph } from '../src/subgraph';

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `rt${randomBytes(4).toString('hex')}`;
const QUEUE = `${prefix}.reporting.booking-events`;
let app: TestApp<any, any, any>;
let broker: BrokerInspector;

beforeAll(async () => {
  app = await initTestApp(reportingSubgraph, { env: { AMQP_URL, AMQP_PREFIX: prefix, AMQP_RETRY_DELAY_MS: '100' } });
  broker = await inspectBroker(AMQP_URL, prefix, { exchange: 'booking.events', queues: ['reporting.booking-events'] });
  await untilReady(app);
});
afterAll(async () => {
  await app.close();
  await broker.close();
});

const payload = (patch: Record<string, unknown> = {}) =>
  sampleCreatedPayload({ workspaceTimezone: 'UTC', endsAt: '2099-12-01T10:30:00.000Z', amount: 3750, occurredAt: '2099-11-01T08:00:00.000Z', ...patch });
const publish = (type: string, body: object, messageId: string = randomUUID()) =>
  broker.channel.publish(`${prefix}.booking.events`, type, Buffer.from(JSON.stringify(body)), { messageId, persistent: true });
const rowsFor = (bookingId: string) =>
  app.orm.em.fork().getConnection().execute(`select kind, amount, currency, at from activity where booking_id = ? order by kind desc`, [bookingId]);

describe('booking events from RabbitMQ', () => {
  it('records each event once, however often it is delivered', async () => {
    const created = payload();
    for (let i = 0; i < 3; i++) publish('booking.created', created, 'same-id');
    publish('booking.cancelled', { ...created, reason: 'CANCELLED_BY_USER', occurredAt: '2099-11-02T08:00:00.000Z' });
    await waitFor(async () => (await rowsFor(created.bookingId)).length === 2 && (await broker.channel.checkQueue(QUEUE)).messageCount === 0);
    await new Promise((r) => setTimeout(r, 200));
    const rows = await rowsFor(created.bookingId);
    expect(rows.map((r: any) => [r.kind, r.amount, r.currency, new Date(r.at).toISOString()])).toEqual([
      ['BOOKING_CREATED', 3750, 'EUR', '2099-11-01T08:00:00.000Z'],
      ['BOOKING_CANCELLED', 3750, 'EUR', '2099-11-02T08:00:00.000Z'],
    ]);
  });

  it('parks an event no retry can make valid', async () => {
    const bad = payload({ endsAt: '2099-12-01T08:00:00.000Z' });
    publish('booking.created', bad, 'bad-1');
    const dead = await waitFor(async () => (await broker.channel.get(`${QUEUE}.dead`, { noAck: true })) || undefined);
    expect(dead.properties.headers?.['x-parked-reason']).toBe('startsAt must be before endsAt.');
    expect(await rowsFor(bad.bookingId)).toEqual([]);
  });
});
