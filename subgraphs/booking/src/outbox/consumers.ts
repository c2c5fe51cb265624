/**
 * Delivery to the non-critical consumers of booking events, called directly by the relay when no
 * broker is configured. What each consumer makes of an event is the shared contract's
 * (notificationFor / activityFor in packages/booking-events); both are idempotent on their side
 * (notification on dedupeKey, reporting on (kind, bookingId)), which is what makes at-least-once
 * delivery from the outbox safe.
 */
import { activityFor, notificationFor, type BookingActivity, type BookingNotification } from '@wsb/booking-events';
import { fetchEntities, type ServiceClient } from '@wsb/kernel';
import {
  BookedWorkspaceDocument,
  BookerDocument,
  RecordActivitiesDocument,
  RecordActivityDocument,
  SendNotificationDocument,
  SendNotificationsDocument,
} from '../__generated__/operations';
import type { BookingCreatedPayload } from './events';

/**
 * Fills in the user's address and the workspace's name and zone when the event was written without
 * them. Runs at delivery, so a user or workspace subgraph that is down only delays the notice.
 * Returns null when the user no longer exists (nobody to write to).
 */
export async function completeParties<P extends BookingCreatedPayload>(subgraphs: ServiceClient, payload: P): Promise<P | null> {
  if (payload.userEmail && payload.workspaceName) return payload;
  const [[user], [workspace]] = await Promise.all([
    payload.userEmail ? [null] : fetchEntities(subgraphs, 'user', BookerDocument, 'User', [payload.userId]),
    payload.workspaceName ? [null] : fetchEntities(subgraphs, 'workspace', BookedWorkspaceDocument, 'Workspace', [payload.workspaceId]),
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

/** The event's email through notification's `_sendNotification`; false when the event sends none. */
export async function sendBookingEmail(subgraphs: ServiceClient, type: string, payload: BookingCreatedPayload): Promise<boolean> {
  const input = notificationFor(type, payload);
  if (!input) return false;
  await subgraphs.request('notification', SendNotificationDocument, { input });
  return true;
}

/** The event's activity-log entry through reporting's `_recordActivity`. */
export async function recordBookingActivity(subgraphs: ServiceClient, type: string, payload: BookingCreatedPayload): Promise<void> {
  const input = activityFor(type, payload);
  if (input) await subgraphs.request('reporting', RecordActivityDocument, { input });
}

/** A round's emails in one `_sendNotifications` request; per input, null or why it was refused. */
export async function sendBookingEmails(subgraphs: ServiceClient, inputs: BookingNotification[]): Promise<(string | null)[]> {
  const data = await subgraphs.request('notification', SendNotificationsDocument, { inputs });
  return data._sendNotifications;
}

/** A round's activity-log entries in one `_recordActivities` request; per input, null or why it was refused. */
export async function recordBookingActivities(subgraphs: ServiceClient, inputs: BookingActivity[]): Promise<(string | null)[]> {
  const data = await subgraphs.request('reporting', RecordActivitiesDocument, { inputs });
  return data._recordActivities;
}
