/**
 * Booking's long-lived services, started by the kernel in this order and stopped in reverse:
 * the outbox relay (resolvers kick it after a commit that wrote an event: ctx.services.outbox)
 * and the sweep of bookings left PENDING by a crash.
 */
import type { ServiceHost } from '@wsb/kernel';
import { PendingSweeper } from './booking/recovery';
import type { BookingConfig } from './config';
import { observeOutbox } from './outbox/metrics';
import { BrokerPublisher, DirectPublisher } from './outbox/publisher';
import { OutboxRelay } from './outbox/relay';

export function createServices(app: ServiceHost<BookingConfig>) {
  const log = app.log.child({ component: 'outbox' });
  // With AMQP_URL set, events go to RabbitMQ; without it, straight to the consuming subgraphs.
  const broker = app.broker();
  const publisher = broker ? new BrokerPublisher(broker, app.subgraphs, log) : new DirectPublisher(app.subgraphs, log);
  const relay = new OutboxRelay(app.orm, publisher, log, app.config.outbox);

  const outbox = {
    kick: () => relay.kick(),
    async start() {
      if (broker) await BrokerPublisher.declareTopology(broker);
      app.log.info('outbox relay started', { mode: broker ? 'rabbitmq' : 'direct' });
      observeOutbox(app.orm, app.metrics, log);
      // Events that waited while the broker was away go out as soon as it is back, not at the next poll.
      broker?.onConnected(() => relay.kick());
      relay.start();
    },
    stop: () => relay.stop(),
  };
  const pendingSweep = new PendingSweeper(app.orm, app.config.pendingTimeoutMs, app.log.child({ component: 'pending-sweeper' }), app.config.refundDelayMs);
  return { outbox, pendingSweep };
}

export type BookingServices = ReturnType<typeof createServices>;
