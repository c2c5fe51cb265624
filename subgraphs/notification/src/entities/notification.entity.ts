import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

export type NotificationChannel = 'EMAIL' | 'SMS';
export type NotificationStatus = 'QUEUED' | 'SENT' | 'FAILED';

/** One message to one user; dedupe_key is unique, so a repeated request never sends twice. */
export class Notification {
  [OptionalProps]?: 'id' | 'status' | 'failureReason' | 'attempts' | 'createdAt' | 'sentAt' | 'updatedAt';
  id: string = randomUUID();
  userId!: string;
  channel!: NotificationChannel;
  /** What happened, e.g. BOOKING_CONFIRMED. */
  kind!: string;
  /** An email address or an E.164 phone number, as the caller knew it when asking. */
  recipient!: string;
  subject!: string;
  body!: string;
  status: NotificationStatus = 'QUEUED';
  /** The last delivery error; kept after a final failure so the user can see why. */
  failureReason?: string | null;
  /** Delivery attempts started so far; each is claimed in the database before it runs. */
  attempts = 0;
  dedupeKey!: string;
  createdAt: Date = new Date();
  sentAt?: Date | null;
  /** Last state change; a QUEUED row untouched for long was orphaned by a stopped instance. */
  updatedAt: Date = new Date();
}

/** A User as this subgraph knows it: only its key. */
export interface UserRef {
  __typename?: 'User';
  id: string;
}

export const NotificationSchema = new EntitySchema<Notification>({
  class: Notification,
  tableName: 'notification',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    channel: { type: 'string', length: 5 },
    kind: { type: 'string', length: 64 },
    recipient: { type: 'string', length: 320 },
    subject: { type: 'string', length: 200 },
    body: { type: 'text' },
    status: { type: 'string', length: 6 },
    failureReason: { type: 'string', length: 500, nullable: true },
    attempts: { type: 'integer' },
    dedupeKey: { type: 'string', length: 200, unique: true },
    createdAt: { type: 'datetime', length: 3 },
    sentAt: { type: 'datetime', length: 3, nullable: true },
    updatedAt: { type: 'datetime', length: 3 },
  },
});
