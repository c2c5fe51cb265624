import { randomUUID } from 'node:crypto';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { Notification } from '../entities/notification.entity';
import { validNotification } from '../validation';

export const Mutation: MutationResolvers = {
  async _sendNotification(_parent, { input }, { em, loaders }) {
    const n = validNotification(input);
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
    if (inserted) await loaders.delivery.deliver(inserted.id);
    const [row] = await connection.execute<Record<string, unknown>[]>('select * from notification where dedupe_key = ?', [n.dedupeKey], 'all');
    return em.map(Notification, row);
  },
};
