import { BadUserInputError } from './errors';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An upper-case ISO-4217 code this runtime knows (EUR, USD, ...). */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}

/** Money from a caller: whole minor units from 0 to `max`, in an ISO-4217 currency (upper-cased). */
export function validMoney(money: { amount: number; currency: string }, field: string, max = Number.MAX_SAFE_INTEGER): { amount: number; currency: string } {
  if (!Number.isInteger(money.amount) || money.amount < 0 || money.amount > max) {
    throw new BadUserInputError(`${field}.amount must be a whole number of minor units (cents), 0 or more.`, `${field}.amount`);
  }
  const currency = money.currency.toUpperCase();
  if (!isCurrency(currency)) {
    throw new BadUserInputError(`${field}.currency must be an ISO-4217 code such as EUR, got "${money.currency.slice(0, 16)}".`, `${field}.currency`);
  }
  return { amount: money.amount, currency };
}
