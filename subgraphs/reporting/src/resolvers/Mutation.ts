import { randomUUID } from 'node:crypto';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { Activity } from '../entities/activity.entity';
import { validActivity } from '../validation';

export const Mutation: MutationResolvers = {
  /**
   * Events may be redelivered (retries, replays), possibly at the same time: insert-or-ignore on
   * the (kind, booking_id) unique key lets the database pick one winner without an error, and
   * every delivery answers with the row that was kept.
   */
  async _recordActivity(_parent, { input }, { em }) {
    const data = validActivity(input);
    await em
      .createQueryBuilder(Activity)
      .insert({ id: randomUUID(), ...data, createdAt: new Date() })
      .onConflict(['kind', 'bookingId'])
      .ignore()
      .execute();
    return em.findOneOrFail(Activity, { kind: data.kind, bookingId: data.bookingId });
  },
};
