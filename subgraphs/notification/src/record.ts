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
