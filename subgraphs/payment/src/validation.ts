import { BadUserInputError } from '@wsb/kernel';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}

/** An amount of money from a caller: whole minor units, 0 or more, in an ISO-4217 currency. */
export function validAmount(money: { amount: number; currency: string }, field = 'amount'): { amount: number; currency: string } {
  if (!Number.isInteger(money.amount) || money.amount < 0) {
    throw new BadUserInputError(`${field}.amount must be a whole number of minor units (cents), 0 or more.`, `${field}.amount`);
  }
  const currency = money.currency.toUpperCase();
  if (!isCurrency(currency)) {
    throw new BadUserInputError(
      `${field}.currency must be an ISO-4217 code such as EUR, got "${money.currency.slice(0, 16)}".`,
      `${field}.currency`,
    );
  }
  return { amount: money.amount, currency };
}
