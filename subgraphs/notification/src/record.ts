import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DeliveryWorker } from './delivery';
import { Notification } from './entities/notification.entity';
import type { NotificationInput } from './validation';

/**
 * Records a (validated) notification and makes its first delivery attempt; idempotent on
 * dedupeKey. Used by `_sendNotification` and by the booking-event consumer alike. `created` is
 * false when the key was known already (a retry or a redelivered event): nothing is sent again.
 */
export async function recordNotification(
  em: EntityManager,
  delivery: DeliveryWorker,
  n: NotificationInput,
): Promise<{ notification: Notification; created: boolean }> {
  const connection = em.getConnection();
  const now = new Date();
  // The unique dedupe_key picks one inserter however many requests race; only it delivers.
  const [inserted] = await connection.execute<{ id: string }[]>(
    `insert into notification (id, user_id, channel, kind, recipient, subject, body, status, attempts, dedupe_key, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, 'QUEUED', 0, ?, ?, ?) on conflict (dedupe_key) do nothing returning id`,
    [randomUUID(), n.userId, n.channel, n.kind, n.recipient, n.subject, n.body, n.dedupeKey, now, now],
    'all',
  );
  // Never rejects: a failed attempt is recorded on the row and retried in the background.
  if (inserted) await delivery.deliver(inserted.id);
  const [row] = await connection.execute<Record<string, unknown>[]>('select * from notification where dedupe_key = ?', [n.dedupeKey], 'all');
  return { notification: em.map(Notification, row), created: Boolean(inserted) };
}

/**
 * Records a batch of (validated) notifications in one statement and starts the first delivery
 * attempt of the new ones together (see DeliveryWorker.deliverMany); idempotent per dedupeKey, so
 * a batch delivered again (a retry, a redelivered message) records and sends nothing twice, and a
 * dedupeKey twice in one batch is kept once. Returns the dedupe keys that were new.
 * The statement commits on its own: the rows are kept (and will be sent, by the sweep if this
 * process dies) before the caller acknowledges the batch.
 */
export async function recordNotifications(em: EntityManager, delivery: DeliveryWorker, inputs: NotificationInput[]): Promise<Set<string>> {
  if (!inputs.length) return new Set();
  const now = new Date();
  const values: unknown[] = [];
  const seen = new Set<string>();
  for (const n of inputs) {
    if (seen.has(n.dedupeKey)) continue; // on conflict cannot touch one key twice in a statement
    seen.add(n.dedupeKey);
    // A millisecond apart, so a user's list shows the batch in its order (the events' order):
    // a cancellation after the confirmation it follows.
    const at = new Date(now.getTime() + seen.size - 1);
    values.push(randomUUID(), n.userId, n.channel, n.kind, n.recipient, n.subject, n.body, n.dedupeKey, at, at);
  }
  const rows = values.length / 10;
  const inserted = await em.getConnection().execute<{ id: string; dedupe_key: string }[]>(
    `insert into notification (id, user_id, channel, kind, recipient, subject, body, status, attempts, dedupe_key, created_at, updated_at)
     values ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, 'QUEUED', 0, ?, ?, ?)").join(', ')}
     on conflict (dedupe_key) do nothing returning id, dedupe_key`,
    values,
    'all',
  );
  // Never rejects: failed attempts are recorded on their rows and retried in the background.
  if (inserted.length) await delivery.deliverMany(inserted.map((row) => row.id));
  return new Set(inserted.map((row) => row.dedupe_key));
}
