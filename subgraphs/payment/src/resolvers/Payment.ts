import { loadById } from '@wsb/kernel';
import type { PaymentResolvers } from '../__generated__/resolvers-types';

export const Payment: PaymentResolvers = {
  __resolveReference(reference, { loaders }) {
    return loadById(loaders.paymentById, reference.id);
  },
  // The booking subgraph owns Booking; a reference is enough for the gateway to join it.
  booking: (payment) => ({ __typename: 'Booking', id: payment.bookingId }),
  amount: (payment) => ({ amount: payment.amount, currency: payment.currency }),
};
