/**
 * The non-critical consumers of booking events, called directly by the relay when no broker is
 * configured. Both are idempotent on their side (notification on dedupeKey, reporting on
 * (kind, bookingId)), which is what makes at-least-once delivery from the outbox safe.
 */
import { fetchEntities, type ServiceClient } from '@wsb/kernel';
import type { UserProfile, WorkspaceInfo } from '../dependencies';
import type { BookingCreatedPayload } from './events';
import type { Message } from './messages';

export type NotificationKind = 'BOOKING_CONFIRMED' | 'BOOKING_CANCELLED';
export type ActivityKind = 'BOOKING_CREATED' | 'BOOKING_CANCELLED';

const SEND_NOTIFICATION = `mutation ($input: SendNotificationInput!) { _sendNotification(input: $input) { id } }`;
const RECORD_ACTIVITY = `mutation ($input: RecordActivityInput!) { _recordActivity(input: $input) { id } }`;

/**
 * Fills in the user's address and the workspace's name and zone when the event was written without
 * them. Runs at delivery, so a user or workspace subgraph that is down only delays the notice.
 * Returns null when the user no longer exists (nobody to write to).
 */
export async function completeParties<P extends BookingCreatedPayload>(services: ServiceClient, payload: P): Promise<P | null> {
  if (payload.userEmail && payload.workspaceName) return payload;
  const [[user], [workspace]] = await Promise.all([
    payload.userEmail ? [null] : fetchEntities<UserProfile>(services, 'user', 'User', [payload.userId], 'id email name'),
    payload.workspaceName ? [null] : fetchEntities<WorkspaceInfo>(services, 'workspace', 'Workspace', [payload.workspaceId], 'id name timezone'),
  ]);
  const userEmail = payload.userEmail ?? user?.email ?? null;
  if (!userEmail) return null;
  return {
    ...payload,
    userEmail,
    userName: payload.userName ?? user?.name ?? null,
    workspaceName: payload.workspaceName ?? workspace?.name ?? null,
    workspaceTimezone: payload.workspaceTimezone ?? workspace?.timezone ?? null,
  };
}

export async function sendBookingEmail(
  services: ServiceClient,
  kind: NotificationKind,
  payload: BookingCreatedPayload,
  message: Message,
): Promise<void> {
  await services.request('notification', SEND_NOTIFICATION, {
    input: {
      userId: payload.userId,
      recipient: payload.userEmail,
      channel: 'EMAIL',
      kind,
      subject: message.subject,
      body: message.body,
      dedupeKey: `${kind}:${payload.bookingId}`,
    },
  });
}

export async function recordBookingActivity(services: ServiceClient, kind: ActivityKind, payload: BookingCreatedPayload): Promise<void> {
  await services.request('reporting', RECORD_ACTIVITY, {
    input: {
      kind,
      bookingId: payload.bookingId,
      userId: payload.userId,
      workspaceId: payload.workspaceId,
      startsAt: payload.startsAt,
      endsAt: payload.endsAt,
      amount: { amount: payload.amount, currency: payload.currency },
      at: payload.occurredAt,
    },
  });
}
