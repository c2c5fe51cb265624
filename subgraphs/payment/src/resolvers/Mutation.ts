import type { MutationResolvers } from '../__generated__/resolvers-types';
import { createPayment, refundPayment } from '../payments';

export const Mutation: MutationResolvers = {
  async _createPayment(_parent, { input }, ctx) {
    return createPayment(ctx, input);
  },

  async _refundPayment(_parent, { bookingId }, ctx) {
    return refundPayment(ctx, bookingId);
  },
};
