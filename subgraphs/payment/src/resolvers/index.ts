import type { Resolvers } from '../__generated__/resolvers-types';
import { Booking } from './Booking';
import { Mutation } from './Mutation';
import { Payment } from './Payment';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, Payment, Booking };
