/** The emails' words live with the event contract (packages/booking-events), shared with the notification consumer. */
export { bookingCancelledMessage, bookingConfirmedMessage, formatMoney, formatTimeRange, type Message } from '@wsb/booking-events';
