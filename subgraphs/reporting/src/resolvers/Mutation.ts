import { DomainError } from '@wsb/kernel';
import type { MutationResolvers, RecordActivityInput } from '../__generated__/resolvers-types';
import { recordActivities, recordActivity } from '../record';
import { validActivity, type ActivityData } from '../validation';

/** Each input validated on its own: the valid ones, and per input null or why it was refused. */
function validActivities(inputs: readonly RecordActivityInput[]): { valid: ActivityData[]; errors: (string | null)[] } {
  const valid: ActivityData[] = [];
  const errors = inputs.map((input) => {
    try {
      valid.push(validActivity(input));
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
  });
  return { valid, errors };
}

export const Mutation: MutationResolvers = {
  /** Every delivery of an event answers with the one row that was kept. */
  async _recordActivity(_parent, { input }, { em }) {
    return (await recordActivity(em, validActivity(input))).activity;
  },

  /** One statement for the whole batch; an invalid input is refused alone, the rest recorded. */
  async _recordActivities(_parent, { inputs }, { em }) {
    const { valid, errors } = validActivities(inputs);
    await recordActivities(em, valid);
    return errors;
  },
};
