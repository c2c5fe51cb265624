import { readServiceConfig, type Env, type SubgraphConfig } from '@wsb/kernel';

export interface ReportingConfig extends SubgraphConfig {
  /** ISO-4217 code revenue is reported in; amounts in other currencies are not converted. */
  platformCurrency: string;
}

export function readConfig(env: Env): ReportingConfig {
  return readServiceConfig('reporting', env, (r) => ({ platformCurrency: r.currency('PLATFORM_CURRENCY', 'EUR') }));
}
