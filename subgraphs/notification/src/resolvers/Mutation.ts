import { DomainError } from '@wsb/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { recordNotification, recordNotifications } from '../record';
import { validNotification, type NotificationInput } from '../validation';

/** Each input validated on its own: the valid ones, and per input null or why it was refused. */
function validNotifications(inputs: readonly NotificationInput[]): { valid: NotificationInput[]; errors: (string | null)[] } {
  const valid: NotificationInput[] = [];
  const errors = inputs.map((input) => {
    try {
      valid.push(validNotification(input));
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
  });
  return { valid, errors };
}

export const Mutation: MutationResolvers = {
  async _sendNotification(_parent, { input }, { em, loaders }) {
    const { notification } = await recordNotification(em, loaders.delivery, validNotification(input));
    return notification;
  },

  /** One statement for the whole batch; an invalid input is refused alone, the rest recorded. */
  async _sendNotifications(_parent, { inputs }, { em, loaders }) {
    const { valid, errors } = validNotifications(inputs);
    await recordNotifications(em, loaders.delivery, valid);
    return errors;
  },
};
