import { readServiceConfig, type Env, type SubgraphConfig } from '@wsb/kernel';
import { PAYMENT_PROVIDERS, type PaymentProviderName } from './provider';

export interface PaymentConfig extends SubgraphConfig {
  /**
   * PAYMENT_PROVIDER: the processor that takes the money. Only `simulated` exists so far (it
   * captures at once and moves no money); a real processor plugs in through src/provider.ts.
   */
  paymentProvider: PaymentProviderName;
  /** PLATFORM_CURRENCY (ISO-4217, default EUR): the currency revenue is reported in. */
  platformCurrency: string;
  /**
   * PAYMENT_PENDING_TIMEOUT_MS: a payment still PENDING this long after it was recorded lost the
   * request charging it (a crash); its charge is resumed. Above SERVICE_TIMEOUT_MS.
   */
  pendingTimeoutMs: number;
}

export function readConfig(env: Env): PaymentConfig {
  return readServiceConfig('payment', env, (r, platform) => ({
    paymentProvider: r.oneOf('PAYMENT_PROVIDER', PAYMENT_PROVIDERS, 'simulated'),
    platformCurrency: r.currency('PLATFORM_CURRENCY', 'EUR'),
    pendingTimeoutMs: r.aboveServiceTimeout(
      'PAYMENT_PENDING_TIMEOUT_MS',
      r.int('PAYMENT_PENDING_TIMEOUT_MS', 60_000, { min: 1000, max: 3_600_000 }),
      platform.serviceTimeoutMs,
    ),
  }));
}
