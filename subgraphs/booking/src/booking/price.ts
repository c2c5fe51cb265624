import type { Money } from '../dependencies';

/**
 * Hourly rate × duration, the duration rounded UP to the whole minute (a started minute is paid),
 * and the result rounded up to the minor unit. Integer arithmetic: no float drift on money.
 */
export function priceFor(hourlyRate: Money, startsAt: Date, endsAt: Date): Money {
  const minutes = Math.ceil((endsAt.getTime() - startsAt.getTime()) / 60_000);
  const perHourTimesMinutes = hourlyRate.amount * minutes;
  return { amount: Math.ceil(perHourTimesMinutes / 60), currency: hourlyRate.currency };
}
