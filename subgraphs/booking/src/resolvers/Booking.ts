import { loadById } from '@wsb/kernel';
import type { BookingResolvers } from '../__generated__/resolvers-types';

export const Booking: BookingResolvers = {
  __resolveReference(reference, { loaders }) {
    return loadById(loaders.bookingById, reference.id);
  },
  // User and Workspace belong to other subgraphs: a reference is all this one knows and returns.
  user: (booking) => ({ __typename: 'User', id: booking.userId }),
  workspace: (booking) => ({ __typename: 'Workspace', id: booking.workspaceId }),
  price: (booking) => ({ amount: booking.priceAmount, currency: booking.priceCurrency }),
};
