import { canonicalId } from '@wsb/kernel';
import type { BookingResolvers } from '../__generated__/resolvers-types';

export const Booking: BookingResolvers = {
  // Any id is a valid reference here: the booking subgraph vouches for it, and an unknown one
  // simply has no payment.
  __resolveReference: (reference) => ({ id: reference.id }),
  async payment(booking, _args, { loaders }) {
    const id = canonicalId(booking.id);
    if (!id) return null;
    const [payment] = await loaders.paymentsByBookingId.load(id);
    return payment ?? null;
  },
};
