import { ConfigError } from '@wsb/kernel';
import { readConfig } from '../src/config';

describe('booking recovery settings', () => {
  it('default to a 2-minute pending timeout and a 30-second refund delay', () => {
    expect(readConfig({})).toMatchObject({ pendingTimeoutMs: 120_000, refundDelayMs: 30_000 });
  });

  it('can be seconds, as long as they outlast a payment call (SERVICE_TIMEOUT_MS)', () => {
    expect(readConfig({ BOOKING_PENDING_TIMEOUT_MS: '8000', BOOKING_REFUND_DELAY_MS: '6000' })).toMatchObject({ pendingTimeoutMs: 8000, refundDelayMs: 6000 });
    const env = { SERVICE_TIMEOUT_MS: '5000', BOOKING_PENDING_TIMEOUT_MS: '5000', BOOKING_REFUND_DELAY_MS: '3000' };
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(
      'Invalid configuration:\n  - BOOKING_PENDING_TIMEOUT_MS (5000) must be above SERVICE_TIMEOUT_MS (5000)\n  - BOOKING_REFUND_DELAY_MS (3000) must be above SERVICE_TIMEOUT_MS (5000)',
    );
  });
});
