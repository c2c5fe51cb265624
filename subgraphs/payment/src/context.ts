import { entityLoader, findIn, groupedLoader, type SubgraphContext } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PaymentConfig } from './config';
import { Payment } from './entities/payment.entity';
import type { PaymentServices } from './services';

export function createLoaders(em: EntityManager) {
  return {
    paymentById: entityLoader(em, Payment),
    /** Booking.payment for a whole page of bookings in one query; booking_id is unique, so 0 or 1 each. */
    paymentsByBookingId: groupedLoader<string, Payment>(
      (bookingIds) => findIn(em, Payment, 'bookingId', bookingIds),
      (payment) => payment.bookingId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, PaymentConfig, PaymentServices>;
