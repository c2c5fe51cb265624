import { DomainError } from '@wsb/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { recordNotification, recordNotifications } from '../record';
import { validNotification, type NotificationInput } from '../validation';

/** Each input validated on its own: the valid ones, and per input null or why it was refused. */
export function validNotifications(inputs: readonly NotificationInput[]): { valid: NotificationInput[]; errors: (string | null)[] } {
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
  async _sendNotification(_parent, { input }, { em, services }) {
    const { notification } = await recordNotification(em, services.delivery, validNotification(input));
    return notification;
  },

  /** One statement for the whole batch; an invalid input is refused alone, the rest recorded. */
  async _sendNotifications(_parent, { inputs }, { em, services }) {
    const { valid, errors } = validNotifications(inputs);
    await recordNotifications(em, services.delivery, valid);
    return errors;
  },
};
