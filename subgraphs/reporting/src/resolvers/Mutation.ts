import type { MutationResolvers } from '../__generated__/resolvers-types';
import { recordActivity } from '../record';
import { validActivity } from '../validation';

export const Mutation: MutationResolvers = {
  /** Every delivery of an event answers with the one row that was kept. */
  async _recordActivity(_parent, { input }, { em }) {
    return (await recordActivity(em, validActivity(input))).activity;
  },
};
