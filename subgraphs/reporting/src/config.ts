import { EnvReader, readSubgraphConfig, type Env, type SubgraphConfig } from '@wsb/kernel';

export interface ReportingConfig extends SubgraphConfig {
  /** ISO-4217 code revenue is reported in; amounts in other currencies are not converted. */
  platformCurrency: string;
}

export function readConfig(env: Env): ReportingConfig {
  const platform = readSubgraphConfig('reporting', env);
  const r = new EnvReader(env);
  const platformCurrency = r.currency('PLATFORM_CURRENCY', 'EUR');
  r.done();
  return { ...platform, platformCurrency };
}
