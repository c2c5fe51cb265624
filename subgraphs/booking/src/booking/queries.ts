import { isUuid, paginate, type Connection } from '@wsb/kernel';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Booking, type BookingStatus } from '../entities/booking.entity';

/**
 * A user's bookings, newest first. PENDING ones are in flight (seconds) and left out unless asked
 * for, so a list never shows a booking that may still vanish.
 */
export async function bookingsOf(
  em: EntityManager,
  userId: string,
  args: { first?: number | null; after?: string | null; status?: BookingStatus | null },
): Promise<Connection<Booking>> {
  // An id that is not a UUID owns nothing; it must not reach the uuid column.
  const owner = isUuid(userId) ? userId : '00000000-0000-0000-0000-000000000000';
  const where: FilterQuery<Booking> = { userId: owner, status: args.status ?? { $ne: 'PENDING' } };
  return paginate(em, Booking, where, { first: args.first, after: args.after });
}
