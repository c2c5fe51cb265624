/** The words of the emails booking events send: local times in the workspace's zone, money formatted. */
import type { BookingCancelledPayload, BookingCreatedPayload } from './events';

const LOCALE = 'en-GB';

function zoneOrUtc(zone: string | null): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** e.g. "Tue, 1 Dec 2026, 10:00–11:01 CET" (both ends shown when the booking spans days). */
export function formatTimeRange(startsAt: string, endsAt: string, zone: string | null): string {
  const format = new Intl.DateTimeFormat(LOCALE, {
    timeZone: zoneOrUtc(zone),
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  return format.formatRange(new Date(startsAt), new Date(endsAt));
}

/** Minor units to a currency string, e.g. 2584 EUR -> "€25.84", 500 JPY -> "JP¥500". */
export function formatMoney(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${amount} ${currency} (minor units)`;
  }
}

export interface Message {
  subject: string;
  body: string;
}

function details(p: BookingCreatedPayload): string[] {
  const zone = p.workspaceTimezone ? ` (${p.workspaceTimezone})` : '';
  return [
    `Workspace: ${p.workspaceName ?? p.workspaceId}`,
    `When: ${formatTimeRange(p.startsAt, p.endsAt, p.workspaceTimezone)}${zone}`,
    `Attendees: ${p.attendees}`,
    `Price: ${formatMoney(p.amount, p.currency)}`,
    `Booking reference: ${p.bookingId}`,
  ];
}

const greeting = (name: string | null) => (name ? `Hello ${name},` : 'Hello,');

export function bookingConfirmedMessage(p: BookingCreatedPayload): Message {
  const when = formatTimeRange(p.startsAt, p.endsAt, p.workspaceTimezone);
  return {
    subject: `Booking confirmed: ${p.workspaceName ?? 'your workspace'}, ${when}`,
    body: [greeting(p.userName), '', 'Your booking is confirmed.', '', ...details(p), '', 'See you there!'].join('\n'),
  };
}

export function bookingCancelledMessage(p: BookingCancelledPayload): Message {
  const when = formatTimeRange(p.startsAt, p.endsAt, p.workspaceTimezone);
  const byAdmin = p.reason === 'CANCELLED_BY_ADMIN' ? ' by an administrator' : '';
  return {
    subject: `Booking cancelled: ${p.workspaceName ?? 'your workspace'}, ${when}`,
    body: [
      greeting(p.userName),
      '',
      `Your booking has been cancelled${byAdmin}. The payment of ${formatMoney(p.amount, p.currency)} is refunded.`,
      '',
      ...details(p),
    ].join('\n'),
  };
}
