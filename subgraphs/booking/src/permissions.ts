import { allow, isAuthenticated, isInternalService, ownerOrAdmin, type IRules } from '@wsb/kernel';
import type { Booking } from './entities/booking.entity';
import type { UserRef } from './entities/references';

/**
 * Every type and field explicitly; anything not listed is denied. The rule on the Booking type
 * guards each of its fields wherever a Booking comes from (booking, myBookings, _entities, a
 * mutation), so no path can show another member's booking.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
    booking: isAuthenticated,
    myBookings: isAuthenticated,
    _activeBookingCount: isInternalService,
  },
  Mutation: {
    createBooking: isAuthenticated,
    // Owner or admin is checked in the resolver: it needs the booking loaded first.
    cancelBooking: isAuthenticated,
  },
  _Service: allow,
  Booking: ownerOrAdmin<Booking>((booking) => booking.userId),
  User: {
    id: allow,
    bookings: ownerOrAdmin<UserRef>((user) => user.id),
  },
  Workspace: {
    id: allow,
    isAvailable: allow,
  },
  BookingConnection: allow,
  BookingEdge: allow,
  PageInfo: allow,
  Money: allow,
};
