import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { newId, now } from '@wsb/kernel';

const NOTIFICATION_CHANNELS = ['EMAIL', 'SMS'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
const NOTIFICATION_STATUSES = ['QUEUED', 'SENT', 'FAILED'] as const;

/**
 * One message to one user; dedupe_key is unique, so a repeated request never sends twice.
 * Each column is declared here once; the migrations create them, and test/schema-drift.test.ts keeps the two equal.
 */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    userId: p.uuid(),
    channel: p.enum([...NOTIFICATION_CHANNELS]).columnType('varchar(5)'),
    /** What happened, e.g. BOOKING_CONFIRMED. */
    kind: p.string().length(64),
    /** An email address or an E.164 phone number, as the caller knew it when asking. */
    recipient: p.string().length(320),
    subject: p.string().length(200),
    body: p.text(),
    status: p
      .enum([...NOTIFICATION_STATUSES])
      .columnType('varchar(6)')
      .onCreate(() => 'QUEUED' as const),
    /** The last delivery error; kept after a final failure so the user can see why. */
    failureReason: p.string().length(500).nullable(),
    /** Delivery attempts started so far; each is claimed in the database before it runs. */
    attempts: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    dedupeKey: p.string().length(200).unique('notification_dedupe_key_unique'),
    createdAt: p.datetime(3).onCreate(now),
    sentAt: p.datetime(3).nullable(),
    /** Last state change; a QUEUED row untouched for long was orphaned by a stopped instance. */
    updatedAt: p.datetime(3).onCreate(now),
  }),
  indexes: [
    // myNotifications and User.notifications: a user's newest first.
    { name: 'notification_user_created_idx', expression: 'create index notification_user_created_idx on notification (user_id, created_at desc, id desc)' },
    // The sweep for orphaned deliveries looks only at queued rows.
    { name: 'notification_queued_idx', expression: `create index notification_queued_idx on notification (updated_at) where status = 'QUEUED'` },
  ],
  checks: [
    { name: 'notification_attempts_check', expression: 'attempts >= 0' },
    { name: 'notification_sent_check', expression: `(status = 'SENT') = (sent_at is not null)` },
  ],
});
export type Notification = InferEntity<typeof Notification>;

/** A User as this subgraph knows it: only its key. */
export interface UserRef {
  __typename?: 'User';
  id: string;
}
