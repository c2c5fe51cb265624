import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Activity } from './entities/activity.entity';
import type { ActivityData } from './validation';

/**
 * Records one booking event (validated) in the activity log, idempotent on (kind, bookingId).
 * Used by `_recordActivity` and by the booking-event consumer alike. Events may be redelivered
 * (retries, replays), possibly at the same time: insert-or-ignore on the unique key lets the
 * database pick one winner without an error; `created` is false for the others.
 */
export async function recordActivity(em: EntityManager, data: ActivityData): Promise<{ activity: Activity; created: boolean }> {
  const result = await em
    .createQueryBuilder(Activity)
    .insert({ id: randomUUID(), ...data, createdAt: new Date() })
    .onConflict(['kind', 'bookingId'])
    .ignore()
    .execute();
  const activity = await em.findOneOrFail(Activity, { kind: data.kind, bookingId: data.bookingId });
  return { activity, created: result.affectedRows > 0 };
}

/**
 * Records a batch of booking events (validated) in one statement, each idempotent on (kind,
 * bookingId): a batch delivered again records nothing twice. Returns how many rows were new.
 */
export async function recordActivities(em: EntityManager, items: ActivityData[]): Promise<number> {
  if (!items.length) return 0;
  const now = new Date();
  const result = await em
    .createQueryBuilder(Activity)
    .insert(items.map((data) => ({ id: randomUUID(), ...data, createdAt: now })))
    .onConflict(['kind', 'bookingId'])
    .ignore()
    .execute();
  return result.affectedRows;
}
