import { loadById } from '@wsb/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { bookingsOf } from '../booking/queries';
import { Booking } from '../entities/booking.entity';

export const Query: QueryResolvers = {
  async booking(_parent, { id }, { loaders }) {
    // An id that is not a UUID cannot exist; answer null like any other unknown id. The Booking
    // type's rule then decides whether the caller may see it.
    return loadById(loaders.bookingById, id);
  },

  async myBookings(_parent, args, { em, user }) {
    // The rule (isAuthenticated) guarantees a user.
    return bookingsOf(em, user!.id, args);
  },

  async _activeBookingCount(_parent, _args, { em }) {
    return em.count(Booking, { status: 'CONFIRMED', endsAt: { $gt: new Date() } });
  },
};
