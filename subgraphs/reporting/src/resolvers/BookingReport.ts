import type { BookingReportResolvers } from '../__generated__/resolvers-types';

export const BookingReport: BookingReportResolvers = {
  bookingsCreated: async (range) => (await range.totals()).bookingsCreated,
  bookingsCancelled: async (range) => (await range.totals()).bookingsCancelled,
  revenue: async (range) => ({ amount: (await range.totals()).revenue, currency: range.currency }),
  occupancy: async (range) =>
    (await range.occupancy()).map(({ workspaceId, bookedHours, occupancyRate }) => ({
      workspace: { __typename: 'Workspace' as const, id: workspaceId },
      bookedHours,
      occupancyRate,
    })),
};
