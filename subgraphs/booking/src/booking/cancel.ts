/**
 * cancelBooking: refund first (critical: if it fails the booking stays CONFIRMED and the error
 * reaches the client), then CANCELLED and the booking.cancelled event in one transaction.
 */
import { BadUserInputError, ForbiddenError, NotFoundError, UnauthenticatedError, requireUuid } from '@wsb/kernel';
import type { Context } from '../context';
import { refundPayment } from '../dependencies';
import { Booking, type CancellationReason } from '../entities/booking.entity';
import { BOOKING_CANCELLED, bookingPayload, enqueue, partiesFromCreatedEvent, type BookingCancelledPayload, type BookingParties } from '../outbox/events';

export async function cancelBooking(ctx: Context, id: string): Promise<Booking> {
  if (!ctx.user) throw new UnauthenticatedError();
  const booking = await ctx.em.findOne(Booking, { id: requireUuid(id, 'id') });
  if (!booking) throw new NotFoundError('Booking', id);
  const byOwner = booking.userId === ctx.user.id;
  if (!byOwner && ctx.user.role !== 'ADMIN') throw new ForbiddenError('This belongs to another user.');
  // Cancelling twice is answered with the cancelled booking: no second refund or notification.
  if (booking.status === 'CANCELLED') return booking;
  if (booking.status === 'PENDING') throw new BadUserInputError('This booking is still being confirmed; try again in a moment.', 'id');
  if (booking.endsAt.getTime() <= Date.now()) throw new BadUserInputError('A booking that has ended cannot be cancelled.', 'id');

  const [, parties] = await Promise.all([refundPayment(ctx, booking.id), partiesOf(ctx, booking)]);

  const now = new Date();
  const reason: CancellationReason = byOwner ? 'CANCELLED_BY_USER' : 'CANCELLED_BY_ADMIN';
  const cancelled = await ctx.em.fork().transactional(async (tx) => {
    // Conditional on CONFIRMED: of two concurrent cancels, one writes the event (the refund is
    // idempotent on the payment side, so both calling it is harmless).
    const updated = await tx.nativeUpdate(
      Booking,
      { id: booking.id, status: 'CONFIRMED' },
      { status: 'CANCELLED', cancelledAt: now, cancellationReason: reason, updatedAt: now },
    );
    if (updated) {
      const payload: BookingCancelledPayload = { ...bookingPayload(booking, parties, now), reason };
      enqueue(tx, BOOKING_CANCELLED, payload);
    }
    return updated > 0;
  });
  if (!cancelled) return (await ctx.em.fork().findOne(Booking, booking.id)) ?? booking;
  ctx.services.outbox.kick();
  return Object.assign(booking, { status: 'CANCELLED', cancelledAt: now, cancellationReason: reason, updatedAt: now });
}

/**
 * Who to tell and what about: what the user was told when booking (the booking.created event).
 * Without it the relay looks the parties up when it delivers, so the cancellation never waits on
 * the user or workspace subgraph.
 */
async function partiesOf(ctx: Context, booking: Booking): Promise<BookingParties> {
  const snapshot = await partiesFromCreatedEvent(ctx.em, booking.id);
  return snapshot ?? { userEmail: null, userName: null, workspaceName: null, workspaceTimezone: null };
}
