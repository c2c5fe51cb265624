import { waitFor } from '../src/testing';
/**
 * The AMQP module against the machine's real RabbitMQ (AMQP_URL, default amqp://guest:guest@127.0.0.1:5672):
 * confirmed publishing, ack only after the handler committed, a redelivered duplicate recognised,
 * delayed retries through the retry queue, parking in the dead-letter queue, and reconnection.
 * Every name carries a per-run prefix, deleted again at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Client } from 'pg';
import { Broker, PermanentMessageError, readAmqpConfig, type BrokerMessage, type QueueSpec } from '../src/amqp';
import { EnvReader } from '../src/config';
import { createLogger } from '../src/logger';
import { createMetrics, type Metrics } from '../src/metrics';
import { dropConnection, metricValue, whenConnected } from '../src/testing';

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `kt${randomBytes(4).toString('hex')}`;
const log = createLogger({ test: 'amqp' }, 'error');
const brokers: Broker[] = [];
let inspect: ChannelModel;
let raw: Channel;
let db: Client;

function broker(env: Record<string, string> = {}, metrics?: Metrics): Broker {
  const config = readAmqpConfig(new EnvReader({ AMQP_URL, AMQP_PREFIX: prefix, AMQP_RETRY_DELAY_MS: '100', AMQP_MAX_ATTEMPTS: '3', ...env }));
  const b = new Broker({ ...config, url: config.url! }, log, `kernel-test-${prefix}`, metrics).start();
  brokers.push(b);
  return b;
}
const spec = (name: string): QueueSpec => ({ queue: `${name}.q`, exchange: `${name}.x`, routingKeys: ['thing.*'] });

beforeAll(async () => {
  inspect = await amqp.connect(AMQP_URL);
  raw = await inspect.createChannel();
  db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  await db.query(`create table ${prefix}_effects (message_id text primary key)`);
});

afterAll(async () => {
  await Promise.all(brokers.map((b) => b.close()));
  for (const name of ['publish', 'ack', 'retry', 'park', 'reconnect', 'batch', 'batchfail']) {
    for (const suffix of ['', '.retry', '.dead']) await raw.deleteQueue(`${prefix}.${name}.q${suffix}`).catch(() => undefined);
    await raw.deleteExchange(`${prefix}.${name}.x`).catch(() => undefined);
  }
  await inspect.close();
  await db.query(`drop table if exists ${prefix}_effects`);
  await db.end();
});

describe('config', () => {
  it('treats an empty AMQP_URL as unset and checks the prefix', () => {
    expect(readAmqpConfig(new EnvReader({ AMQP_URL: '' })).url).toBeUndefined();
    const r = new EnvReader({ AMQP_URL: 'http://x', AMQP_PREFIX: 'a b' });
    readAmqpConfig(r);
    expect(r.problems).toEqual(['AMQP_URL must be an amqp:// or amqps:// URL', 'AMQP_PREFIX must be up to 60 letters, digits, _ or -']);
  });
});

describe('publishing', () => {
  it('resolves once the broker confirmed a persistent message with the id as messageId', async () => {
    const b = broker();
    await b.declareQueue(spec('publish'));
    await whenConnected(b);
    const id = randomUUID();
    await b.publish('publish.x', 'thing.created', { hello: 'world' }, { messageId: id });
    const msg = await raw.get(`${prefix}.publish.q`, { noAck: true });
    expect(msg).not.toBe(false);
    if (!msg) return;
    expect(JSON.parse(msg.content.toString())).toEqual({ hello: 'world' });
    expect(msg.properties).toMatchObject({ messageId: id, deliveryMode: 2, contentType: 'application/json', type: 'thing.created' });
    expect(msg.fields.routingKey).toBe('thing.created');
  });

  it('rejects what the broker refuses (no such exchange), then reconnects by itself', async () => {
    const b = broker();
    await whenConnected(b);
    await expect(b.publish('no-such-exchange', 'thing.x', {}, { messageId: 'm' })).rejects.toThrow(/closed|NOT_FOUND/i);
    await whenConnected(b);
    await b.declareQueue(spec('publish'));
    await expect(b.publish('publish.x', 'thing.again', {}, { messageId: 'm2' })).resolves.toBeUndefined();
    await raw.purgeQueue(`${prefix}.publish.q`);
  });

  it('rejects at once while the broker is unreachable, and is not ready', async () => {
    const config = readAmqpConfig(new EnvReader({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1', AMQP_PREFIX: prefix }));
    const b = new Broker({ ...config, url: config.url! }, log, 'unreachable').start();
    brokers.push(b);
    expect(b.connected).toBe(false);
    await expect(b.check()).rejects.toThrow('not connected to the message broker');
    await expect(b.publish('publish.x', 'thing.created', {}, { messageId: 'x' })).rejects.toThrow('not connected to the message broker');
    const started = Date.now();
    await b.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('consuming', () => {
  it('acks only after the handler committed; a redelivered duplicate is recognised and acked without a second effect', async () => {
    const b = broker();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: { redelivered: boolean; effect: boolean }[] = [];
    await b.consume<{ n: number }>(spec('ack'), async (message) => {
      // The "existing idempotent logic": an insert keyed by the message id, committed here.
      const { rowCount } = await db.query(`insert into ${prefix}_effects values ($1) on conflict do nothing`, [message.id]);
      seen.push({ redelivered: message.redelivered, effect: rowCount === 1 });
      if (seen.length === 1) await gate; // committed, not acked yet
    });
    await whenConnected(b);
    const id = randomUUID();
    await b.publish('ack.x', 'thing.created', { n: 1 }, { messageId: id });
    await waitFor(() => seen.length === 1);
    // The consumer dies between its commit and its ack.
    dropConnection(b);
    release();
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual([
      { redelivered: false, effect: true },
      { redelivered: true, effect: false },
    ]);
    expect((await db.query(`select count(*)::int as n from ${prefix}_effects where message_id = $1`, [id])).rows[0].n).toBe(1);
    // Acked this time: nothing is left in the queue, nothing comes back.
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toHaveLength(2);
    expect((await raw.checkQueue(`${prefix}.ack.q`)).messageCount).toBe(0);
  });

  it('nacks a failing message, retries it after the delay, and acks it once it succeeds', async () => {
    const metrics = createMetrics('test');
    const b = broker({}, metrics);
    const attempts: { attempt: number; at: number; routingKey: string }[] = [];
    await b.consume(spec('retry'), async (message: BrokerMessage) => {
      attempts.push({ attempt: message.attempt, at: Date.now(), routingKey: message.routingKey });
      if (message.attempt < 3) throw new Error('database down');
    });
    await whenConnected(b);
    await b.publish('retry.x', 'thing.created', {}, { messageId: randomUUID() });
    await waitFor(() => attempts.length === 3);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // A retry comes back from the retry queue routed by the queue's name; handlers still see the key it was published with.
    expect(attempts.map((a) => a.routingKey)).toEqual(['thing.created', 'thing.created', 'thing.created']);
    // Each retry waited in the retry queue for about AMQP_RETRY_DELAY_MS (100 ms).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(90);
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts).toHaveLength(3);
    for (const suffix of ['', '.retry', '.dead']) expect((await raw.checkQueue(`${prefix}.retry.q${suffix}`)).messageCount).toBe(0);
    // Counted by the queue's logical name (no prefix).
    expect(await metricValue(metrics.amqpMessages, { queue: 'retry.q', outcome: 'retry' })).toBe(2);
    expect(await metricValue(metrics.amqpMessages, { queue: 'retry.q', outcome: 'ok' })).toBe(1);
    expect(await metricValue(metrics.amqpMessages, { queue: 'retry.q', outcome: 'dead_letter' })).toBeUndefined();
  });

  it('parks a message after AMQP_MAX_ATTEMPTS, and at once when it can never succeed', async () => {
    const metrics = createMetrics('test');
    const b = broker({}, metrics);
    const calls: string[] = [];
    await b.consume(spec('park'), async (message: BrokerMessage<{ kind: string }>) => {
      calls.push(`${message.body.kind}:${message.attempt}`);
      if (message.body.kind === 'poison') throw new PermanentMessageError('kind is not known');
      throw new Error('always failing');
    });
    await whenConnected(b);
    await b.publish('park.x', 'thing.created', { kind: 'flaky' }, { messageId: 'flaky-1' });
    await b.publish('park.x', 'thing.created', { kind: 'poison' }, { messageId: 'poison-1' });
    raw.sendToQueue(`${prefix}.park.q`, Buffer.from('not json'), { messageId: 'garbage-1' });
    const dead = `${prefix}.park.q.dead`;
    await waitFor(async () => (await raw.checkQueue(dead)).messageCount === 3);
    expect(calls.sort()).toEqual(['flaky:1', 'flaky:2', 'flaky:3', 'poison:1']);
    const parked: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) {
      const msg = await raw.get(dead, { noAck: true });
      if (msg) parked[msg.properties.messageId] = msg.properties.headers?.['x-parked-reason'];
    }
    expect(parked).toEqual({ 'flaky-1': 'always failing', 'poison-1': 'kind is not known', 'garbage-1': 'the message is not JSON' });
    expect(await metricValue(metrics.amqpMessages, { queue: 'park.q', outcome: 'dead_letter' })).toBe(3);
    expect(await metricValue(metrics.amqpMessages, { queue: 'park.q', outcome: 'retry' })).toBe(2); // flaky's first two attempts
    expect(await metricValue(metrics.amqpMessages, { queue: 'park.q', outcome: 'ok' })).toBeUndefined();
  });

  it('reconnects after the connection drops: publishing and consuming go on', async () => {
    const b = broker();
    const received: string[] = [];
    await b.consume(spec('reconnect'), async (message) => {
      received.push(message.id);
    });
    await whenConnected(b);
    await b.publish('reconnect.x', 'thing.created', {}, { messageId: 'before' });
    await waitFor(() => received.includes('before'));
    dropConnection(b);
    await waitFor(() => !b.connected, 2000);
    await whenConnected(b, 10_000);
    await b.check();
    await b.publish('reconnect.x', 'thing.created', {}, { messageId: 'after' });
    await waitFor(() => received.includes('after'));
    expect(received).toEqual(['before', 'after']);
  });
});

describe('consuming in batches', () => {
  it('hands what arrived meanwhile to one call; acks, retries or parks each message by its own outcome', async () => {
    const b = broker({ AMQP_PREFETCH: '10' });
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await b.consumeBatch(spec('batch'), async (messages: BrokerMessage<{ kind: string }>[]) => {
      batches.push(messages.map((m) => `${m.id}:${m.attempt}`));
      if (batches.length === 1) await gate; // the first batch is slow: the next messages pile up
      return messages.map((m) =>
        m.body.kind === 'poison'
          ? new PermanentMessageError('kind is not known')
          : m.body.kind === 'flaky' && m.attempt === 1
            ? new Error('not yet')
            : undefined,
      );
    });
    await whenConnected(b);
    await b.publish('batch.x', 'thing.created', { kind: 'ok' }, { messageId: 'first' });
    await waitFor(() => batches.length === 1);
    for (const [id, kind] of [
      ['a', 'ok'],
      ['b', 'flaky'],
      ['c', 'poison'],
      ['d', 'ok'],
    ])
      await b.publish('batch.x', 'thing.created', { kind }, { messageId: id });
    release();
    await waitFor(() => batches.length === 3, 5000);
    // One call for the four that waited; the flaky one alone again after the retry delay.
    expect(batches).toEqual([['first:1'], ['a:1', 'b:1', 'c:1', 'd:1'], ['b:2']]);
    const dead = `${prefix}.batch.q.dead`;
    await waitFor(async () => (await raw.checkQueue(dead)).messageCount === 1);
    const parked = await raw.get(dead, { noAck: true });
    expect(parked && [parked.properties.messageId, parked.properties.headers?.['x-parked-reason']]).toEqual(['c', 'kind is not known']);
    await new Promise((r) => setTimeout(r, 300));
    expect(batches).toHaveLength(3);
    for (const suffix of ['', '.retry']) expect((await raw.checkQueue(`${prefix}.batch.q${suffix}`)).messageCount).toBe(0);
  });

  it('retries every message of a batch whose handler threw (nothing was committed)', async () => {
    const b = broker();
    const seen: string[] = [];
    let fail = true;
    await b.consumeBatch(spec('batchfail'), async (messages: BrokerMessage[]) => {
      seen.push(...messages.map((m) => `${m.id}:${m.attempt}:${m.routingKey}`));
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
      return messages.map(() => undefined);
    });
    await whenConnected(b);
    await b.publish('batchfail.x', 'thing.created', {}, { messageId: 'x' });
    await waitFor(() => seen.includes('x:2:thing.created'), 5000);
    expect(seen).toEqual(['x:1:thing.created', 'x:2:thing.created']);
  });
});

describe('reconnection listeners', () => {
  it('calls onConnected after the first connection and after every reconnection', async () => {
    const b = broker();
    let calls = 0;
    b.onConnected(() => (calls += 1));
    await whenConnected(b);
    await waitFor(() => calls === 1);
    dropConnection(b);
    await waitFor(() => calls === 2, 10_000);
    expect(b.connected).toBe(true);
  });
});
