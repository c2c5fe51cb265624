import type { MutationResolvers } from '../__generated__/resolvers-types';
import { recordNotification } from '../record';
import { validNotification } from '../validation';

export const Mutation: MutationResolvers = {
  async _sendNotification(_parent, { input }, { em, loaders }) {
    const { notification } = await recordNotification(em, loaders.delivery, validNotification(input));
    return notification;
  },
};
