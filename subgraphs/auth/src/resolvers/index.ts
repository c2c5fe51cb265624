import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';

/** AuthPayload and User need no resolvers: their fields are on the objects Mutation returns. */
export const resolvers: Resolvers = { Mutation };
