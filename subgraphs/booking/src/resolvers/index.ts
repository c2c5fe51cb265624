import type { Resolvers } from '../__generated__/resolvers-types';
import { Booking } from './Booking';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { User } from './User';
import { Workspace } from './Workspace';

export const resolvers: Resolvers = { Query, Mutation, Booking, User, Workspace };
