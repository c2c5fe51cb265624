import { validateEach } from '@wsb/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { recordActivities, recordActivity } from '../record';
import { validActivity } from '../validation';

export const Mutation: MutationResolvers = {
  /** Every delivery of an event answers with the one row that was kept. */
  async _recordActivity(_parent, { input }, { em }) {
    return (await recordActivity(em, validActivity(input))).activity;
  },

  /** One statement for the whole batch; an invalid input is refused alone, the rest recorded. */
  async _recordActivities(_parent, { inputs }, { em }) {
    const { valid, errors } = validateEach(inputs, validActivity);
    await recordActivities(em, valid);
    return errors;
  },
};
