import { loadById } from '@wsb/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { revenueSince } from '../payments';

export const Query: QueryResolvers = {
  async payment(_parent, { id }, { loaders }) {
    // An id that is not a UUID cannot exist; answer null like any other unknown id. Who may see
    // the payment is the Payment type rule's decision.
    return loadById(loaders.paymentById, id);
  },

  async _revenueSince(_parent, { since }, ctx) {
    return revenueSince(ctx, since);
  },
};
