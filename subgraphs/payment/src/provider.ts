/**
 * The seam between this subgraph and a payment processor. Everything else only knows this
 * interface, so a real processor (Stripe, Adyen, ...) plugs in here: implement PaymentProvider,
 * add its name to PAYMENT_PROVIDERS and build it in createProvider from its own settings.
 */
import { randomUUID } from 'node:crypto';

export interface PaymentProvider {
  readonly name: string;
  /**
   * Charges `amount` minor units and resolves to the processor's id of the charge. `reference`
   * is the booking id: a real processor should get it as its idempotency key, so even a charge
   * repeated after a crash is collected once.
   */
  charge(amount: number, currency: string, reference: string): Promise<string>;
  /** Returns the whole charge to the payer. */
  refund(providerRef: string): Promise<void>;
}

export const PAYMENT_PROVIDERS = ['simulated'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/**
 * Captures every charge immediately and moves no money: the platform runs end to end before a
 * processor is chosen. Not for production money.
 */
class SimulatedProvider implements PaymentProvider {
  readonly name = 'simulated';

  async charge(_amount: number, _currency: string, _reference: string): Promise<string> {
    return `sim_${randomUUID()}`;
  }

  async refund(_providerRef: string): Promise<void> {}
}

export function createProvider(name: PaymentProviderName): PaymentProvider {
  switch (name) {
    case 'simulated':
      return new SimulatedProvider();
  }
}
