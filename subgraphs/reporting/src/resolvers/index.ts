import type { Resolvers } from '../__generated__/resolvers-types';
import { Activity } from './Activity';
import { BookingReport } from './BookingReport';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, Activity, BookingReport };
