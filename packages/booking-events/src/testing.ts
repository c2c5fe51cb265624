/** For tests of the producer and the consumers: a booking.created payload to patch. */
import { randomUUID } from 'node:crypto';
import type { BookingCreatedPayload } from './events';

/** Ada's booking of Orion on 1 Dec 2099, 09:00–10:00 UTC, fresh ids; `patch` sets what a test is about. A JSON object, as events carry. */
export function sampleCreatedPayload<P extends object = object>(patch: P = {} as P): BookingCreatedPayload & P & Record<string, unknown> {
  return {
    bookingId: randomUUID(),
    userId: randomUUID(),
    userEmail: 'ada@example.com',
    userName: 'Ada',
    workspaceId: randomUUID(),
    workspaceName: 'Orion',
    workspaceTimezone: 'Europe/Berlin',
    startsAt: '2099-12-01T09:00:00.000Z',
    endsAt: '2099-12-01T10:00:00.000Z',
    attendees: 1,
    amount: 2500,
    currency: 'EUR',
    occurredAt: '2099-11-01T00:00:00.000Z',
    ...patch,
  };
}
