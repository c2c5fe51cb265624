import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Workspace } from './Workspace';

export const resolvers: Resolvers = { Query, Mutation, Workspace };
