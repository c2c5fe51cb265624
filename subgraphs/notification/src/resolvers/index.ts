import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Notification } from './Notification';
import { Query } from './Query';
import { User } from './User';

export const resolvers: Resolvers = { Query, Mutation, Notification, User };
