import { isUuid } from '@wsb/kernel';
import type { BookingResolvers } from '../__generated__/resolvers-types';

export const Booking: BookingResolvers = {
  // Any id is a valid reference here: the booking subgraph vouches for it, and an unknown one
  // simply has no payment.
  __resolveReference: (reference) => ({ id: reference.id }),
  async payment(booking, _args, { loaders }) {
    if (!isUuid(booking.id)) return null;
    const [payment] = await loaders.paymentsByBookingId.load(booking.id);
    return payment ?? null;
  },
};
