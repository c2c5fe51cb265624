import { paginate } from '@wsb/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { Activity } from '../entities/activity.entity';
import { ReportRange } from '../report';

export const Query: QueryResolvers = {
  bookingReport(_parent, { from, to }, { em, config }) {
    return new ReportRange(em, from, to, config.platformCurrency);
  },

  async activity(_parent, { first, after }, { em }) {
    return paginate(em, Activity, {}, { first, after });
  },
};
