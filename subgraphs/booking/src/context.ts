import { entityLoader, type SubgraphContext } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import { availabilityLoader } from './booking/availability';
import type { BookingConfig } from './config';
import { Booking } from './entities/booking.entity';
import type { BookingServices } from './services';

/** DataLoaders, created per request. */
export function createLoaders(em: EntityManager) {
  return {
    bookingById: entityLoader(em, Booking),
    workspaceAvailability: availabilityLoader(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, BookingConfig, BookingServices>;
