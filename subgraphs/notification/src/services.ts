/**
 * Notification's long-lived services, started by the kernel in this order and stopped in reverse:
 * the email and SMS transports, the delivery worker that sends through them (resolvers hand it
 * what they record: ctx.services.delivery), and, with AMQP_URL set, the booking-events consumer.
 * Stopping consumes nothing more and finishes the batch in hand, then cancels the pending retries,
 * then closes the mail transport.
 */
import { BOOKING_EVENT_QUEUES } from '@wsb/booking-events';
import { batchConsumer, type ServiceHost } from '@wsb/kernel';
import { handleBookingEvents } from './booking-events';
import type { NotificationConfig } from './config';
import { DeliveryWorker, type Transports } from './delivery';
import { createMailer } from './mailer';
import { logSmsSender } from './sms';

export function createServices(app: ServiceHost<NotificationConfig>, transports: Partial<Transports> = {}) {
  const mailer = transports.mailer ?? createMailer(app.config);
  const sms = transports.sms ?? logSmsSender();
  const delivery = new DeliveryWorker(app, { mailer, sms });
  const broker = app.broker();
  const log = app.log.child({ component: 'booking-events' });
  const bookingEvents = batchConsumer(broker, BOOKING_EVENT_QUEUES.notification, (messages) => handleBookingEvents({ orm: app.orm, log }, delivery, messages));
  app.log.info('notification delivery', { mailer: mailer.kind, sms: sms.kind, bookingEvents: broker ? 'rabbitmq' : 'direct calls from booking' });
  return { mailer, sms, delivery, bookingEvents };
}

export type NotificationServices = ReturnType<typeof createServices>;
