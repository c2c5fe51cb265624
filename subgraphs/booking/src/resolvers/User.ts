import type { UserResolvers } from '../__generated__/resolvers-types';
import { bookingsOf } from '../booking/queries';

export const User: UserResolvers = {
  // The user subgraph owns users; this one only needs the id to list their bookings.
  __resolveReference: (reference) => ({ id: reference.id }),
  bookings: (user, args, { em }) => bookingsOf(em, user.id, args),
};
