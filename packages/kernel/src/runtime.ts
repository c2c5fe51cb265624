/**
 * A subgraph's long-lived services (outbox relay, delivery worker, sweeps, event consumers,
 * mailer, payment provider...), declared once as a record: the key names the service, the value
 * is the object resolvers use through `ctx.services.<key>`, with optional lifecycle hooks.
 *
 * The kernel starts them in declaration order once the database is migrated, asks each one in
 * /ready, and stops them in reverse order on shutdown, after the requests drained and before the
 * database pool closes. It also owns the process's one broker connection (AMQP_URL): opened on
 * the first `broker()` call, reported in /ready, closed after every service has stopped.
 */
import { createBroker, type AmqpConfig, type BatchOutcome, type Broker, type BrokerMessage, type QueueSpec, type Subscription } from './amqp';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface Service {
  /** Runs once the database is migrated, before the port opens; a throw fails start-up. */
  start?(): Promise<void> | void;
  /** Runs on shutdown (and in tests' close): must finish the work in hand and let go of timers. */
  stop?(): Promise<void> | void;
  /** Throws (or rejects) while the service cannot do its work: /ready answers 503. */
  ready?(): Promise<void> | void;
}

/**
 * A subgraph's services by name, in start order. Any object may be one (a mailer is used, not
 * started); the kernel calls the Service hooks it has.
 */
export type Services = Record<string, object>;

/** A service's hook failed; `service` names it. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly service: string,
    what: string,
    override readonly cause: unknown,
  ) {
    super(`service "${service}" ${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** The process's broker connection, opened on first use when AMQP_URL is set. */
export class BrokerSlot {
  private broker?: Broker;
  private opened = false;

  constructor(
    private readonly config: AmqpConfig,
    private readonly log: Logger,
    private readonly connectionName: string,
    private readonly metrics?: Metrics,
  ) {}

  /** The one connection (undefined without AMQP_URL); every call returns the same one. */
  get(): Broker | undefined {
    if (!this.opened) {
      this.opened = true;
      this.broker = createBroker(this.config, this.log, this.connectionName, this.metrics);
    }
    return this.broker;
  }

  /** Throws unless connected; nothing to check when no service opened it. */
  async check(): Promise<void> {
    await this.broker?.check();
  }

  async close(): Promise<void> {
    await this.broker?.close();
  }
}

export class ServiceRuntime<S extends Services> {
  private started: [string, Service][] = [];
  private readonly declared: [string, Service][];

  constructor(
    readonly services: S,
    private readonly broker: BrokerSlot,
    private readonly log: Logger,
  ) {
    this.declared = Object.entries(services) as [string, Service][];
  }

  /** Starts every service in declaration order; if one throws, stops those already started and throws a ServiceError. */
  async start(): Promise<void> {
    for (const [name, service] of this.declared) {
      try {
        await service.start?.();
      } catch (err) {
        await this.stop();
        throw new ServiceError(name, 'failed to start', err);
      }
      this.started.push([name, service]);
    }
  }

  /** Every service's ready check in order, then the broker's; the first failure is thrown as a ServiceError. */
  async ready(): Promise<void> {
    for (const [name, service] of this.declared) {
      try {
        await service.ready?.();
      } catch (err) {
        throw new ServiceError(name, 'is not ready', err);
      }
    }
    await this.broker.check().catch((err) => {
      throw new ServiceError('broker', 'is not ready', err);
    });
  }

  /**
   * Stops the started services in reverse order (a failing stop is logged and the rest still
   * stop), then closes the broker. Calling it again stops nothing twice.
   */
  async stop(): Promise<void> {
    for (const [name, service] of this.started.splice(0).reverse()) {
      try {
        await service.stop?.();
      } catch (err) {
        this.log.error('service failed to stop', { component: name, err });
      }
    }
    await this.broker.close();
  }
}

/**
 * A batch consumer of `spec` as a service: with a broker it consumes from start to stop (stopping
 * finishes the batch in hand, so its messages are acked); without one (no AMQP_URL) it does nothing.
 */
export function batchConsumer<T>(broker: Broker | undefined, spec: QueueSpec, handler: (messages: BrokerMessage<T>[]) => Promise<BatchOutcome[]>): Service {
  let subscription: Subscription | undefined;
  return {
    async start() {
      subscription = await broker?.consumeBatch(spec, handler);
    },
    stop: () => subscription?.cancel(),
  };
}
