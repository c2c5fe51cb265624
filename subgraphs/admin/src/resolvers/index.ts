import type { Resolvers } from '../__generated__/resolvers-types';
import { AdminAuditEntry } from './AdminAuditEntry';
import { AdminDashboard } from './AdminDashboard';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, AdminDashboard, AdminAuditEntry };
