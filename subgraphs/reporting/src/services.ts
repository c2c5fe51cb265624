/**
 * Reporting's one long-lived service: with AMQP_URL set, the booking-events consumer (without it,
 * booking calls `_recordActivities` directly and the consumer does nothing).
 */
import { BOOKING_EVENT_QUEUES } from '@wsb/booking-events';
import { batchConsumer, type ServiceHost } from '@wsb/kernel';
import { handleBookingEvents } from './booking-events';
import type { ReportingConfig } from './config';

export function createServices(app: ServiceHost<ReportingConfig>) {
  const broker = app.broker();
  const log = app.log.child({ component: 'booking-events' });
  app.log.info('booking events', { source: broker ? 'rabbitmq' : 'direct calls from booking' });
  return { bookingEvents: batchConsumer(broker, BOOKING_EVENT_QUEUES.reporting, (messages) => handleBookingEvents({ orm: app.orm, log }, messages)) };
}

export type ReportingServices = ReturnType<typeof createServices>;
