/**
 * RabbitMQ plumbing shared by the processes that publish or consume events (amqplib 0.10):
 * one connection per process that (re)connects with backoff and re-declares its topology and
 * consumers every time; publishing on a confirm channel (resolves only once the broker has the
 * message); consuming with manual acks (ack after the handler resolved, i.e. after its commit).
 *
 * Retry design: every consumer queue Q has a companion Q.retry and a parking queue Q.dead.
 * - A handler that throws gets its message nack'ed without requeue; Q dead-letters it into Q.retry,
 *   whose per-queue TTL (AMQP_RETRY_DELAY_MS) dead-letters it back into Q. So retries are
 *   delayed by the broker (no hot redelivery loop, nothing held in process memory, survives
 *   restarts), and the attempt number comes from the x-death count RabbitMQ keeps.
 * - After AMQP_MAX_ATTEMPTS failed attempts, or at once for a message that can never succeed
 *   (unparseable, PermanentMessageError), the message is copied to Q.dead with the reason in its
 *   headers (confirmed) and acked: kept for an operator, no longer blocking or looping.
 * Delivery is at least once (a crash between commit and ack redelivers), so handlers must be
 * idempotent; the platform's are (notification dedupe key, reporting (kind, bookingId)).
 * With tracing on, a message carries the publisher's trace context in its headers (`traceparent`,
 * `tracestate`) and the handler runs in a consumer span whose parent is that context.
 */
import type { ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { EnvReader } from './config';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { SpanKind, currentTraceCarrier, inSpan } from './tracing';

export interface AmqpConfig {
  /** AMQP_URL; unset or empty: no broker, events are delivered directly from the outbox. */
  url?: string;
  /** AMQP_PREFIX: prepended (with a dot) to every exchange and queue name, so platforms or test runs sharing a broker never share a queue. */
  prefix: string;
  /** AMQP_PREFETCH: unacknowledged messages a consumer holds at once. */
  prefetch: number;
  /** AMQP_RETRY_DELAY_MS: how long a failed message waits in the retry queue. */
  retryDelayMs: number;
  /** AMQP_MAX_ATTEMPTS: processing attempts before a message is parked in the dead-letter queue. */
  maxAttempts: number;
  /** AMQP_PUBLISH_TIMEOUT_MS: a publish not confirmed by then counts as failed (the outbox retries it). */
  publishTimeoutMs: number;
}

export function readAmqpConfig(r: EnvReader): AmqpConfig {
  const url = r.optional('AMQP_URL');
  if (url !== undefined && !/^amqps?:\/\//.test(url)) r.problems.push('AMQP_URL must be an amqp:// or amqps:// URL');
  const prefix = r.str('AMQP_PREFIX', '');
  if (!/^[A-Za-z0-9_-]{0,60}$/.test(prefix)) r.problems.push('AMQP_PREFIX must be up to 60 letters, digits, _ or -');
  return {
    url,
    prefix,
    prefetch: r.int('AMQP_PREFETCH', 20, { min: 1, max: 10_000 }),
    retryDelayMs: r.int('AMQP_RETRY_DELAY_MS', 5000, { min: 10, max: 3_600_000 }),
    maxAttempts: r.int('AMQP_MAX_ATTEMPTS', 10, { min: 1, max: 1000 }),
    publishTimeoutMs: r.int('AMQP_PUBLISH_TIMEOUT_MS', 5000, { min: 100, max: 60_000 }),
  };
}

/** amqplib is loaded by the first connection: a process without AMQP_URL never pays its memory. */
export function loadAmqplib(): typeof import('amqplib') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('amqplib');
}

/** A queue bound to a topic exchange, with its retry and dead-letter companions. */
export interface QueueSpec {
  /** Logical name, e.g. notification.booking-events (the prefix is added). */
  queue: string;
  /** Logical name of the topic exchange, e.g. booking.events. */
  exchange: string;
  routingKeys: string[];
}

export interface BrokerMessage<T = unknown> {
  /** The publisher's messageId (the outbox event id). */
  id: string;
  routingKey: string;
  body: T;
  /** The broker delivered it before (a consumer died or lost its connection before acking). */
  redelivered: boolean;
  /** 1 for the first processing, 2 after one failure, ... */
  attempt: number;
}

/** Thrown by a handler for a message that no retry can fix: it is parked at once. */
export class PermanentMessageError extends Error {
  override name = 'PermanentMessageError';
}

/**
 * What a batch handler says about each message of its batch, in order: undefined (or null) when it
 * is done with it, else the error it failed with (a PermanentMessageError parks it at once).
 */
export type BatchOutcome = Error | null | undefined;

/** A running consumer (consume, consumeBatch). */
export interface Subscription {
  /** Stops taking messages and waits for the ones being handled (acked, retried or parked). */
  cancel(): Promise<void>;
}

interface Consumer {
  spec: QueueSpec;
  handler?: (message: BrokerMessage) => Promise<void>;
  batchHandler?: (messages: BrokerMessage[]) => Promise<BatchOutcome[]>;
  /** Batch consumers: messages received while a batch is being handled, taken by the next one. */
  pending?: { channel: ConfirmChannel; msg: ConsumeMessage }[];
  busy?: boolean;
  channel?: ConfirmChannel;
  tag?: string;
}

const RECONNECT_BASE_MS = 200;
const RECONNECT_MAX_MS = 5000;

export class Broker {
  private model?: ChannelModel;
  private publishChannel?: ConfirmChannel;
  private connecting?: Promise<void>;
  private closing = false;
  private readonly exchanges = new Set<string>();
  private readonly queues = new Map<string, QueueSpec>();
  private readonly consumers: Consumer[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly connectedListeners: (() => void)[] = [];
  private wake?: () => void;

  constructor(
    readonly config: AmqpConfig & { url: string },
    private readonly log: Logger,
    /** Shown in the broker's connection list. */
    private readonly connectionName: string,
    /** wsb_amqp_messages_total: each consumed message's outcome, by queue. */
    private readonly metrics?: Metrics,
  ) {}

  /** The broker-side name of an exchange or queue. */
  name(logical: string): string {
    return this.config.prefix ? `${this.config.prefix}.${logical}` : logical;
  }

  /** Starts connecting in the background (retrying until close); never rejects. */
  start(): this {
    this.ensureConnecting();
    return this;
  }

  /** Calls `listener` after every connection, the first and each reconnection (e.g. to resume publishing). */
  onConnected(listener: () => void): void {
    this.connectedListeners.push(listener);
  }

  get connected(): boolean {
    return Boolean(this.publishChannel);
  }

  /** For /ready: throws unless connected. */
  async check(): Promise<void> {
    if (!this.connected) throw new Error('not connected to the message broker');
  }

  /** A durable topic exchange, declared on every (re)connection. */
  async declareExchange(exchange: string): Promise<void> {
    this.exchanges.add(exchange);
    if (this.publishChannel) await this.publishChannel.assertExchange(this.name(exchange), 'topic', { durable: true });
  }

  /** A durable queue (with retry and dead-letter queues) bound to its exchange, declared on every (re)connection. */
  async declareQueue(spec: QueueSpec): Promise<void> {
    this.exchanges.add(spec.exchange);
    this.queues.set(spec.queue, spec);
    if (this.publishChannel) await this.assertQueue(this.publishChannel, spec);
  }

  /**
   * Publishes a persistent JSON message and resolves once the broker confirms it (it is then on
   * disk in every queue it was routed to). Rejects when not connected, on a nack or after
   * publishTimeoutMs: the caller keeps the message and retries.
   */
  publish(exchange: string, routingKey: string, body: unknown, options: { messageId: string }): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) return Promise.reject(new Error('not connected to the message broker'));
    const content = Buffer.from(JSON.stringify(body));
    // The trace context of the publishing work (the outbox event's, see booking's relay), if traced.
    const headers = currentTraceCarrier() ?? undefined;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the broker did not confirm within ${this.config.publishTimeoutMs} ms`)), this.config.publishTimeoutMs);
      const settle = (err: unknown) => {
        clearTimeout(timer);
        if (err) reject(err instanceof Error ? err : new Error(`the broker refused the message: ${String(err)}`));
        else resolve();
      };
      try {
        channel.publish(
          this.name(exchange),
          routingKey,
          content,
          {
            persistent: true,
            messageId: options.messageId,
            type: routingKey,
            contentType: 'application/json',
            timestamp: Math.floor(Date.now() / 1000),
            headers,
          },
          settle,
        );
      } catch (err) {
        settle(err);
      }
    });
  }

  /**
   * Consumes `spec.queue` with manual acks: a message is acked only after `handler` resolved
   * (after its transaction committed); a handler that throws has it retried after the retry
   * delay, and parked after maxAttempts. Re-established after every reconnection.
   */
  async consume<T>(spec: QueueSpec, handler: (message: BrokerMessage<T>) => Promise<void>): Promise<Subscription> {
    return this.subscribe({ spec, handler: handler as Consumer['handler'] });
  }

  /**
   * Consumes `spec.queue` in batches: the messages that arrived while the previous batch was being
   * handled (up to the prefetch) go to `handler` together, one batch at a time, so the handler can
   * record them all in one transaction. Each message is then acked, retried or parked on its own,
   * by what the handler returned for it, and only after the handler resolved (after its commit);
   * a handler that throws fails every message of the batch (each retried or parked by its attempt
   * count, as with consume()).
   */
  async consumeBatch<T>(spec: QueueSpec, handler: (messages: BrokerMessage<T>[]) => Promise<BatchOutcome[]>): Promise<Subscription> {
    return this.subscribe({ spec, batchHandler: handler as Consumer['batchHandler'], pending: [] });
  }

  private async subscribe(consumer: Consumer): Promise<Subscription> {
    this.exchanges.add(consumer.spec.exchange);
    this.queues.set(consumer.spec.queue, consumer.spec);
    this.consumers.push(consumer);
    if (this.model && this.publishChannel) await this.startConsumer(this.model, consumer);
    return { cancel: () => this.cancel(consumer) };
  }

  /** One consumer stops taking messages (for good, reconnections included) and the ones being handled finish. */
  private async cancel(consumer: Consumer): Promise<void> {
    const at = this.consumers.indexOf(consumer);
    if (at >= 0) this.consumers.splice(at, 1);
    if (consumer.channel && consumer.tag) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    await Promise.allSettled([...this.inflight]);
  }

  /** Stops consuming, waits for the messages being handled (so they are acked), closes the connection. */
  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    await Promise.allSettled(this.consumers.map((c) => (c.channel && c.tag ? c.channel.cancel(c.tag) : undefined)));
    await Promise.allSettled([...this.inflight]);
    await this.connecting?.catch(() => undefined);
    const model = this.model;
    this.model = undefined;
    this.publishChannel = undefined;
    await model?.close().catch(() => undefined);
  }

  private ensureConnecting(): void {
    if (this.closing || this.publishChannel || this.connecting) return;
    this.connecting = this.connectLoop().finally(() => (this.connecting = undefined));
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 1; !this.closing; attempt++) {
      let model: ChannelModel | undefined;
      try {
        // A socket timeout too, so an unreachable (blackholed) broker never holds a connect attempt for long.
        model = await loadAmqplib().connect(this.config.url, { timeout: 5000, clientProperties: { connection_name: this.connectionName } });
        model.on('error', (err: Error) => this.log.warn('broker connection error', { err: err.message }));
        model.on('close', () => this.lost(model!));
        const channel = await model.createConfirmChannel();
        channel.on('error', (err: Error) => this.log.warn('broker channel error', { err: err.message }));
        // A channel closed by the broker (e.g. a publish to a missing exchange) is treated as a lost connection.
        channel.on('close', () => {
          if (this.publishChannel === channel) this.publishChannel = undefined;
          if (model && this.model === model && !this.closing) void model.close().catch(() => undefined);
        });
        for (const exchange of this.exchanges) await channel.assertExchange(this.name(exchange), 'topic', { durable: true });
        for (const spec of this.queues.values()) await this.assertQueue(channel, spec);
        this.model = model;
        for (const consumer of this.consumers) await this.startConsumer(model, consumer);
        if (this.closing) {
          await model.close().catch(() => undefined);
          return;
        }
        this.publishChannel = channel;
        this.log.info('connected to the message broker', { connection: this.connectionName, attempt });
        for (const listener of this.connectedListeners) {
          try {
            listener();
          } catch (err) {
            this.log.error('broker connected listener failed', { err });
          }
        }
        return;
      } catch (err) {
        if (this.model === model) this.model = undefined;
        await model?.close().catch(() => undefined);
        const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt - 1, 10)) * (0.8 + Math.random() * 0.4);
        this.log.warn('message broker unreachable; retrying', { attempt, retryInMs: Math.round(delay), err: (err as Error).message });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  private lost(model: ChannelModel): void {
    if (this.model !== model) return;
    this.model = undefined;
    this.publishChannel = undefined;
    for (const consumer of this.consumers) {
      consumer.channel = consumer.tag = undefined;
      // Unacked on a closed channel: the broker delivers them again on the next connection.
      consumer.pending?.splice(0);
    }
    if (this.closing) return;
    this.log.warn('lost the message broker connection; reconnecting', { connection: this.connectionName });
    this.ensureConnecting();
  }

  private async assertQueue(channel: ConfirmChannel, spec: QueueSpec): Promise<void> {
    const queue = this.name(spec.queue);
    await channel.assertExchange(this.name(spec.exchange), 'topic', { durable: true });
    // Rejected messages go through the default exchange to the retry queue, and back after the TTL.
    await channel.assertQueue(queue, { durable: true, deadLetterExchange: '', deadLetterRoutingKey: `${queue}.retry` });
    await channel.assertQueue(`${queue}.retry`, {
      durable: true,
      messageTtl: this.config.retryDelayMs,
      deadLetterExchange: '',
      deadLetterRoutingKey: queue,
    });
    await channel.assertQueue(`${queue}.dead`, { durable: true });
    for (const key of spec.routingKeys) await channel.bindQueue(queue, this.name(spec.exchange), key);
  }

  private async startConsumer(model: ChannelModel, consumer: Consumer): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (err: Error) => this.log.warn('broker consumer channel error', { queue: consumer.spec.queue, err: err.message }));
    channel.on('close', () => this.model === model && !this.closing && void model.close().catch(() => undefined));
    await this.assertQueue(channel, consumer.spec);
    await channel.prefetch(this.config.prefetch);
    const { consumerTag } = await channel.consume(this.name(consumer.spec.queue), (msg) => {
      if (!msg) {
        // Cancelled by the broker (queue deleted): reconnect, which declares and consumes anew.
        if (!this.closing) void model.close().catch(() => undefined);
        return;
      }
      if (consumer.batchHandler) {
        consumer.pending!.push({ channel, msg });
        this.nextBatch(consumer);
        return;
      }
      this.track(this.handle(channel, consumer, msg));
    });
    consumer.channel = channel;
    consumer.tag = consumerTag;
  }

  private track(task: Promise<void>): void {
    this.inflight.add(task);
    void task.finally(() => this.inflight.delete(task));
  }

  /** Starts the next batch unless one is running; messages arriving meanwhile wait for the one after. */
  private nextBatch(consumer: Consumer): void {
    if (consumer.busy || !consumer.pending!.length) return;
    consumer.busy = true;
    // Deliveries that arrived in the same read from the socket join this batch.
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.handleBatch(consumer, consumer.pending!.splice(0, this.config.prefetch)))
      .catch((err) => this.log.error('message batch crashed', { queue: consumer.spec.queue, err }))
      .finally(() => {
        consumer.busy = false;
        this.nextBatch(consumer);
      });
    this.track(task);
  }

  private async handleBatch(consumer: Consumer, deliveries: { channel: ConfirmChannel; msg: ConsumeMessage }[]): Promise<void> {
    const queue = this.name(consumer.spec.queue);
    const batch: { channel: ConfirmChannel; msg: ConsumeMessage; message: BrokerMessage }[] = [];
    for (const { channel, msg } of deliveries) {
      const message = await this.decode(channel, consumer, msg);
      if (message) batch.push({ channel, msg, message });
    }
    if (!batch.length) return;
    let outcomes: BatchOutcome[];
    try {
      // One consumer span for the batch: it continues the first message's trace and links the others'.
      const keys = new Set(batch.map((b) => b.message.routingKey));
      outcomes = await inSpan(
        `${keys.size === 1 ? batch[0].message.routingKey : consumer.spec.queue} process`,
        {
          kind: SpanKind.CONSUMER,
          carrier: batch[0].msg.properties.headers,
          links: batch.slice(1).map((b) => b.msg.properties.headers),
          attributes: {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': queue,
            'messaging.batch.message_count': batch.length,
          },
        },
        () => consumer.batchHandler!(batch.map((b) => b.message)),
      );
    } catch (err) {
      outcomes = batch.map(() => (err instanceof Error ? err : new Error(String(err))));
    }
    for (const [i, { channel, msg, message }] of batch.entries()) {
      const err = outcomes[i];
      if (!err) {
        this.counted(consumer, 'ok');
        this.settle(() => channel.ack(msg), queue, message.id);
      } else if (err instanceof PermanentMessageError || message.attempt >= this.config.maxAttempts) {
        await this.park(channel, consumer, msg, message.attempt, err.message);
      } else {
        this.counted(consumer, 'retry');
        this.log.warn('message not processed; retrying after the delay', { queue, messageId: message.id, attempt: message.attempt, err: err.message });
        this.settle(() => channel.nack(msg, false, false), queue, message.id);
      }
    }
  }

  /** The message as handlers see it; one that is not JSON is parked (no retry can fix it) and gives undefined. */
  private async decode(channel: ConfirmChannel, consumer: Consumer, msg: ConsumeMessage): Promise<BrokerMessage | undefined> {
    const queue = this.name(consumer.spec.queue);
    const attempt = 1 + failedAttempts(msg, queue);
    const id = String(msg.properties.messageId ?? '');
    try {
      return { id, routingKey: originalRoutingKey(msg, queue), body: JSON.parse(msg.content.toString('utf8')), redelivered: msg.fields.redelivered, attempt };
    } catch {
      await this.park(channel, consumer, msg, attempt, 'the message is not JSON');
      return undefined;
    }
  }

  private async handle(channel: ConfirmChannel, consumer: Consumer, msg: ConsumeMessage): Promise<void> {
    const queue = this.name(consumer.spec.queue);
    const message = await this.decode(channel, consumer, msg);
    if (!message) return;
    const { id, attempt } = message;
    try {
      await inSpan(
        `${message.routingKey} process`,
        {
          kind: SpanKind.CONSUMER,
          carrier: msg.properties.headers,
          attributes: {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': queue,
            'messaging.message.id': id,
            'messaging.rabbitmq.message.delivery_attempt': attempt,
          },
        },
        () => consumer.handler!(message),
      );
    } catch (err) {
      const reason = (err as Error)?.message ?? String(err);
      if (err instanceof PermanentMessageError || attempt >= this.config.maxAttempts) {
        return this.park(channel, consumer, msg, attempt, reason);
      }
      this.counted(consumer, 'retry');
      this.log.warn('message not processed; retrying after the delay', { queue, messageId: id, attempt, err: reason });
      return this.settle(() => channel.nack(msg, false, false), queue, id);
    }
    this.counted(consumer, 'ok');
    this.settle(() => channel.ack(msg), queue, id);
  }

  /** Counted by the queue's logical name, the same in every platform whatever its AMQP_PREFIX. */
  private counted(consumer: Consumer, outcome: 'ok' | 'retry' | 'dead_letter'): void {
    if (this.metrics?.enabled) this.metrics.amqpMessages.inc({ queue: consumer.spec.queue, outcome });
  }

  /** Copies the message to the dead-letter queue (confirmed), then acks it. */
  private async park(channel: ConfirmChannel, consumer: Consumer, msg: ConsumeMessage, attempt: number, reason: string): Promise<void> {
    const queue = this.name(consumer.spec.queue);
    this.log.error('message parked in the dead-letter queue', { queue, messageId: msg.properties.messageId, attempt, reason });
    try {
      const headers = { ...msg.properties.headers, 'x-parked-reason': reason.slice(0, 1000), 'x-attempts': attempt };
      channel.sendToQueue(`${queue}.dead`, msg.content, { ...msg.properties, headers, persistent: true } as Options.Publish);
      await channel.waitForConfirms();
    } catch (err) {
      // Not parked: leave it unacked; it comes back after a reconnection.
      this.log.warn('could not park the message; it will be redelivered', { queue, err: (err as Error).message });
      return;
    }
    this.counted(consumer, 'dead_letter');
    this.settle(() => channel.ack(msg), queue, String(msg.properties.messageId ?? ''));
  }

  private settle(action: () => void, queue: string, messageId: string): void {
    try {
      action();
    } catch (err) {
      // The channel closed under us: the broker redelivers the message on the next connection.
      this.log.warn('could not acknowledge; the message will be redelivered', { queue, messageId, err: (err as Error).message });
    }
  }
}

/** How often the message was rejected from `queue` before (RabbitMQ's x-death count). */
interface Death {
  queue?: string;
  reason?: string;
  count?: number;
  'routing-keys'?: unknown[];
}
const deaths = (msg: ConsumeMessage) => (msg.properties.headers?.['x-death'] ?? []) as Death[];

function failedAttempts(msg: ConsumeMessage, queue: string): number {
  return Number(deaths(msg).find((d) => d.queue === queue && d.reason === 'rejected')?.count ?? 0);
}

/**
 * The key the message was published with. A retried message comes back from the retry queue
 * through the default exchange, routed by the queue's name; RabbitMQ keeps the keys it had when
 * it was rejected from this queue in that x-death entry.
 */
function originalRoutingKey(msg: ConsumeMessage, queue: string): string {
  const key = deaths(msg).find((d) => d.queue === queue && d.reason === 'rejected')?.['routing-keys']?.[0];
  return key === undefined ? msg.fields.routingKey : String(key);
}

/** A broker for this process when AMQP_URL is set (started: it connects in the background), else undefined. */
export function createBroker(config: AmqpConfig, log: Logger, connectionName: string, metrics?: Metrics): Broker | undefined {
  if (!config.url) return undefined;
  return new Broker({ ...config, url: config.url }, log.child({ component: 'amqp' }), connectionName, metrics).start();
}
