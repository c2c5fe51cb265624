/** The words of the emails booking events send: local times in the workspace's zone, money formatted. */
import type { BookingCancelledPayload, BookingCreatedPayload } from './events';

const LOCALE = 'en-GB';

/**
 * Intl formatters are costly to build (they were a tenth of a booking's CPU when made per
 * message) and never change: one per time zone and one per currency, for the process's life.
 * Both are bounded: zones and currencies are closed sets (an unknown one is not cached).
 */
const timeFormats = new Map<string, Intl.DateTimeFormat>();
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function timeFormat(zone: string | null): Intl.DateTimeFormat {
  const key = zone ?? 'UTC';
  let format = timeFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    };
    try {
      format = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: key });
    } catch {
      return timeFormat('UTC'); // an unknown zone reads in UTC
    }
    timeFormats.set(key, format);
  }
  return format;
}

/** e.g. "Tue, 1 Dec 2026, 10:00–11:01 CET" (both ends shown when the booking spans days). */
function formatTimeRange(startsAt: string, endsAt: string, zone: string | null): string {
  return timeFormat(zone).formatRange(new Date(startsAt), new Date(endsAt));
}

/** Minor units to a currency string, e.g. 2584 EUR -> "€25.84", 500 JPY -> "JP¥500". */
export function formatMoney(amount: number, currency: string): string {
  let money = moneyFormats.get(currency);
  if (!money) {
    try {
      const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
      money = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    } catch {
      return `${amount} ${currency} (minor units)`;
    }
    moneyFormats.set(currency, money);
  }
  return money.format.format(amount / 10 ** money.digits);
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
