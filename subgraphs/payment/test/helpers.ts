import { randomUUID } from 'node:crypto';
import type { PaymentProvider } from '../src/provider';

/** Records every call; `failNext` makes the next charge or refund throw, `delayMs` widens races. */
export class RecordingProvider implements PaymentProvider {
  readonly name = 'recording';
  charges: { amount: number; currency: string; reference: string }[] = [];
  refunds: string[] = [];
  failCharge = false;
  failRefund = false;
  delayMs = 0;

  async charge(amount: number, currency: string, reference: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failCharge) throw new Error('card declined by the test');
    this.charges.push({ amount, currency, reference });
    return `rec_${this.charges.length}`;
  }

  async refund(providerRef: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failRefund) throw new Error('refund refused by the test');
    this.refunds.push(providerRef);
  }
}

export const CREATE = `mutation ($input: CreatePaymentInput!) {
  _createPayment(input: $input) { id status amount { amount currency } createdAt refundedAt booking { id } }
}`;
export const REFUND = `mutation ($bookingId: ID!) { _refundPayment(bookingId: $bookingId) { id status refundedAt } }`;

/** A fresh booking id per call, so tests never share a payment by accident. */
export const bookingId = (): string => randomUUID();
