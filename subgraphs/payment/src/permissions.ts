import { allow, isAuthenticated, isCallerService, isInternalService, ownerOrAdmin, type IRules } from '@wsb/kernel';
import type { Payment } from './entities/payment.entity';

/**
 * A payment is visible to the booking's owner, an admin, or a platform service. The rule sits on
 * the Payment type, so `payment(id)`, `Booking.payment` and `_entities` are guarded alike. Only the
 * booking subgraph creates and refunds payments. Anything not listed is denied.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
    payment: isAuthenticated,
    _revenueSince: isInternalService,
  },
  Mutation: {
    _createPayment: isCallerService('booking'),
    _refundPayment: isCallerService('booking'),
  },
  _Service: allow,
  Payment: ownerOrAdmin<Payment>((payment) => payment.userId),
  // Only the key and the payment, whose own type rule guards its content.
  Booking: allow,
  Money: allow,
};
