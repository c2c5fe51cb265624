import { EnvReader, readSubgraphConfig, type Env, type SubgraphConfig } from '@wsb/kernel';
import { createProvider, PAYMENT_PROVIDERS, type PaymentProvider, type PaymentProviderName } from './provider';

export interface PaymentConfig extends SubgraphConfig {
  /**
   * PAYMENT_PROVIDER: the processor that takes the money. Only `simulated` exists so far (it
   * captures at once and moves no money); a real processor plugs in through src/provider.ts.
   */
  paymentProvider: PaymentProviderName;
  /** PLATFORM_CURRENCY (ISO-4217, default EUR): the currency revenue is reported in. */
  platformCurrency: string;
  /** The processor built from paymentProvider; tests pass their own through the config. */
  provider: PaymentProvider;
}

export function readConfig(env: Env): PaymentConfig {
  const base = readSubgraphConfig('payment', env);
  const r = new EnvReader(env);
  const paymentProvider = r.oneOf('PAYMENT_PROVIDER', PAYMENT_PROVIDERS, 'simulated');
  const platformCurrency = r.currency('PLATFORM_CURRENCY', 'EUR');
  r.done();
  return { ...base, paymentProvider, platformCurrency, provider: createProvider(paymentProvider) };
}
