import { allow, isAdmin, isCallerService, isInternalService, or, type IRules } from '@wsb/kernel';

/**
 * Reports and the activity log are for admins; only the booking subgraph writes events. The
 * type rule on Activity also guards `_entities`, which would otherwise bypass the root fields.
 * The other types are reachable only through an admin-guarded root field, so they allow.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
    bookingReport: isAdmin,
    activity: isAdmin,
  },
  Mutation: {
    _recordActivity: isCallerService('booking'),
    _recordActivities: isCallerService('booking'),
  },
  _Service: allow,
  Activity: or(isInternalService, isAdmin),
  ActivityConnection: allow,
  ActivityEdge: allow,
  PageInfo: allow,
  BookingReport: allow,
  WorkspaceOccupancy: allow,
  Money: allow,
  // Bare references ({ id }) that the gateway resolves in the owning subgraph.
  Booking: allow,
  User: allow,
  Workspace: allow,
};
