import { entityLoader, type SubgraphContext } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';
import { availabilityLoader } from './booking/availability';
import type { BookingConfig } from './config';
import { Booking } from './entities/booking.entity';
import type { OutboxSignal } from './outbox/relay';

/**
 * DataLoaders, created per request. `outbox` rides along because the kernel context has no slot for
 * app-wide services: it lets a mutation kick the relay right after its commit.
 */
export function createLoaders(em: EntityManager, outbox: OutboxSignal) {
  return {
    bookingById: entityLoader(em, Booking),
    workspaceAvailability: availabilityLoader(em),
    outbox,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders, BookingConfig>;
