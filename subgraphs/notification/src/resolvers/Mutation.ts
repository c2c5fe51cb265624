import { validateEach } from '@wsb/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { recordNotification, recordNotifications } from '../record';
import { validNotification } from '../validation';

export const Mutation: MutationResolvers = {
  async _sendNotification(_parent, { input }, { em, services }) {
    const { notification } = await recordNotification(em, services.delivery, validNotification(input));
    return notification;
  },

  /** One statement for the whole batch; an invalid input is refused alone, the rest recorded. */
  async _sendNotifications(_parent, { inputs }, { em, services }) {
    const { valid, errors } = validateEach(inputs, validNotification);
    await recordNotifications(em, services.delivery, valid);
    return errors;
  },
};
