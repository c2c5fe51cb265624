/** A setting two subgraphs read is read by one rule: PLATFORM_CURRENCY means the same to payment and reporting. */
import { ConfigError, EnvReader } from '@wsb/kernel';
import { readConfig as readPaymentConfig } from '../subgraphs/payment/src/config';
import { readConfig as readReportingConfig } from '../subgraphs/reporting/src/config';

const readers = { payment: readPaymentConfig, reporting: readReportingConfig };

describe.each(Object.entries(readers))('PLATFORM_CURRENCY in %s', (_name, read) => {
  it.each([
    [undefined, 'EUR'],
    ['', 'EUR'],
    ['usd', 'USD'],
    ['GBP', 'GBP'],
  ])('reads %s as %s', (value, expected) => {
    expect(read({ PLATFORM_CURRENCY: value }).platformCurrency).toBe(expected);
  });

  it.each(['EURO', 'XYZ', 'eu'])('refuses %j at start-up', (value) => {
    expect(() => read({ PLATFORM_CURRENCY: value })).toThrow(ConfigError);
  });
});

it('EnvReader.currency names the setting and the value it refused', () => {
  const r = new EnvReader({ C: 'xyz' });
  expect(r.currency('C', 'EUR')).toBe('EUR');
  expect(r.problems).toEqual(['C must be an ISO-4217 code such as EUR, got "XYZ"']);
});
