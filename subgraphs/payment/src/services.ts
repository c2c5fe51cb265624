/**
 * Payment's long-lived services: the payment processor (resolvers charge and refund through
 * ctx.services.provider) and the sweep that finishes charges a crash left PENDING.
 */
import type { ServiceHost } from '@wsb/kernel';
import type { PaymentConfig } from './config';
import { StaleChargeSweeper } from './payments';
import { createProvider, type PaymentProvider } from './provider';

export function createServices(app: ServiceHost<PaymentConfig>, provider: PaymentProvider = createProvider(app.config.paymentProvider)) {
  const staleCharges = new StaleChargeSweeper(app.orm, provider, app.config.pendingTimeoutMs, app.log.child({ component: 'stale-charges' }));
  return { provider, staleCharges };
}

export type PaymentServices = ReturnType<typeof createServices>;
