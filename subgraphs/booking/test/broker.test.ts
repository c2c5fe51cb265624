/**
 * With AMQP_URL set, the relay publishes outbox events to RabbitMQ (the machine's real broker):
 * a durable topic exchange, persistent messages with the event id as messageId, confirmed before
 * the event is marked published. Names carry a per-run AMQP_PREFIX, deleted at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Broker, createLogger, readAmqpConfig, EnvReader } from '@wsb/kernel';
import { inspectBroker, untilReady, whenConnected, type BrokerInspector } from '@wsb/kernel/src/testing';
import { OutboxEvent } from '../src/entities/outbox-event.entity';
import { BrokerPublisher } from '../src/outbox/publisher';
import { OutboxRelay } from '../src/outbox/relay';
import { CREATE, FAST_OUTBOX, alice, hourFromNow, iso, plus, startBookingApp, waitFor, type Harness } from './helpers';

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `bt${randomBytes(4).toString('hex')}`;
const CONSUMERS = ['notification.booking-events', 'reporting.booking-events'];
const QUEUES = CONSUMERS.flatMap((q) => [q, `${q}.retry`, `${q}.dead`].map((n) => `${prefix}.${n}`));
const log = createLogger({ test: 'booking-broker' }, 'error');
let h: Harness;
let broker: BrokerInspector;

beforeAll(async () => {
  h = await startBookingApp({}, { AMQP_URL, AMQP_PREFIX: prefix });
  broker = await inspectBroker(AMQP_URL, prefix, { exchange: 'booking.events', queues: CONSUMERS });
});
afterAll(async () => {
  await h.close();
  await broker.close();
});

const HOUR = 3600_000;
const eventOf = async (bookingId: string) =>
  (await h.sql(`select * from outbox_event where type = 'booking.created' and payload ->> 'bookingId' = ?`, [bookingId]))[0];

describe('the relay with RabbitMQ', () => {
  it('is ready only once connected, with the exchange and both consumer queues declared', async () => {
    await untilReady(h.app);
    await broker.channel.checkExchange(`${prefix}.booking.events`);
    for (const queue of QUEUES) await broker.channel.checkQueue(queue);
  });

  it('publishes booking.created to every consumer queue: persistent, messageId = event id; marked published after the confirm', async () => {
    const workspaceId = h.addWorkspace({ name: 'Lyra' });
    const startsAt = hourFromNow(24);
    const { data, errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, alice);
    expect(errors).toBeUndefined();
    const event = await waitFor(async () => {
      const e = await eventOf(data.createBooking.id);
      return e?.published_at ? e : undefined;
    });
    // Nothing went to notification or reporting directly: they take it from their queues.
    expect(h.callsTo('notification', '_sendNotification')).toHaveLength(0);
    expect(h.callsTo('reporting', '_recordActivit')).toHaveLength(0);
    for (const queue of ['notification.booking-events', 'reporting.booking-events']) {
      const msg = await broker.channel.get(`${prefix}.${queue}`, { noAck: true });
      expect(msg).not.toBe(false);
      if (!msg) return;
      expect(msg.fields).toMatchObject({ exchange: `${prefix}.booking.events`, routingKey: 'booking.created' });
      expect(msg.properties).toMatchObject({ messageId: event.id, deliveryMode: 2, contentType: 'application/json' });
      expect(JSON.parse(msg.content.toString())).toMatchObject({ bookingId: data.createBooking.id, workspaceName: 'Lyra', userEmail: 'alice@example.com' });
    }
  });

  it('leaves an event due while the broker is unreachable, and publishes it once it is back', async () => {
    await h.stopBackground();
    const em = h.app.orm.em.fork();
    const bookingId = randomUUID();
    const event = em.create(OutboxEvent, {
      type: 'booking.cancelled',
      payload: {
        bookingId,
        userId: randomUUID(),
        userEmail: 'bob@example.com',
        userName: 'Bob',
        workspaceId: randomUUID(),
        workspaceName: 'Vega',
        workspaceTimezone: 'UTC',
        startsAt: iso(hourFromNow(48)),
        endsAt: iso(hourFromNow(49)),
        attendees: 1,
        amount: 100,
        currency: 'EUR',
        occurredAt: iso(new Date()),
        reason: 'CANCELLED_BY_USER',
      },
    });
    await em.flush();

    const config = readAmqpConfig(new EnvReader({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1', AMQP_PREFIX: prefix }));
    const down = new Broker({ ...config, url: config.url! }, log, 'down').start();
    await new OutboxRelay(h.app.orm, new BrokerPublisher(down, h.app.subgraphs, log), log, FAST_OUTBOX).deliverBatch();
    await down.close();
    const [unpublished] = await h.sql('select published_at, attempts, last_error from outbox_event where id = ?', [event.id]);
    expect(unpublished).toEqual({ published_at: null, attempts: 1, last_error: 'not connected to the message broker' });

    const upConfig = readAmqpConfig(new EnvReader({ AMQP_URL, AMQP_PREFIX: prefix }));
    const up = new Broker({ ...upConfig, url: upConfig.url! }, log, 'up').start();
    await whenConnected(up);
    await h.sql('update outbox_event set next_attempt_at = now() where id = ?', [event.id]);
    await new OutboxRelay(h.app.orm, new BrokerPublisher(up, h.app.subgraphs, log), log, FAST_OUTBOX).deliverBatch();
    await up.close();
    expect((await h.sql('select published_at from outbox_event where id = ?', [event.id]))[0].published_at).not.toBeNull();
    const msg = await broker.channel.get(`${prefix}.notification.booking-events`, { noAck: true });
    expect(msg && msg.properties.messageId).toBe(event.id);
    expect(msg && msg.fields.routingKey).toBe('booking.cancelled');
  });
});
