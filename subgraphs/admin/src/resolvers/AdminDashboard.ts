import {
  ActiveBookingCountDocument,
  RecentActivityDocument,
  RevenueSinceDocument,
  UserCountDocument,
  WorkspaceCountDocument,
} from '../__generated__/operations';
import type { AdminDashboardResolvers } from '../__generated__/resolvers-types';
import { checkServices } from '../dashboard';
import { recentActivityLimit } from '../validation';

/*
 * Every call carries the admin as the end user, so the other subgraph applies its own rules to
 * them too. The kernel client turns an unreachable subgraph into DEPENDENCY_UNAVAILABLE, which
 * fails only that (nullable) field.
 */
export const AdminDashboard: AdminDashboardResolvers = {
  async userCount(_root, _args, { subgraphs, user }) {
    const data = await subgraphs.request('user', UserCountDocument, {}, { user });
    return data._userCount;
  },

  async workspaceCount(_root, _args, { subgraphs, user }) {
    const data = await subgraphs.request('workspace', WorkspaceCountDocument, {}, { user });
    return data._workspaceCount;
  },

  async activeBookings(_root, _args, { subgraphs, user }) {
    const data = await subgraphs.request('booking', ActiveBookingCountDocument, {}, { user });
    return data._activeBookingCount;
  },

  async revenueToday(root, _args, { subgraphs, user }) {
    const data = await subgraphs.request('payment', RevenueSinceDocument, { since: root.today.toISOString() }, { user });
    return data._revenueSince;
  },

  services: (_root, _args, { config }) => checkServices(config.serviceUrls),

  async recentActivity(_root, { first }, { subgraphs, user }) {
    const limit = recentActivityLimit(first);
    if (limit === 0) return [];
    const data = await subgraphs.request('reporting', RecentActivityDocument, { first: limit }, { user });
    // References only: the gateway fetches the fields a client selects from reporting.
    return data.activity.edges.map(({ node }) => ({ __typename: 'Activity' as const, id: node.id }));
  },
};
