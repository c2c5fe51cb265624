import type { MutationResolvers } from '../__generated__/resolvers-types';
import { cancelBooking } from '../booking/cancel';
import { createBooking } from '../booking/create';

export const Mutation: MutationResolvers = {
  createBooking: (_parent, { input }, ctx) => createBooking(ctx, input),
  cancelBooking: (_parent, { id }, ctx) => cancelBooking(ctx, id),
};
