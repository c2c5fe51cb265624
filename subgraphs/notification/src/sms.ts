/**
 * SMS goes out behind the SmsSender interface. No SMS provider is configured on this platform
 * yet, so the only sender writes the message as a log line on stdout (like email without
 * SMTP_URL); a provider (Twilio, MessageBird, ...) plugs in here with its own settings.
 */
import { createLogger } from '@wsb/kernel';

export interface SmsMessage {
  /** E.164, e.g. +4915112345678. */
  to: string;
  text: string;
}

export interface SmsSender {
  readonly kind: string;
  send(message: SmsMessage): Promise<void>;
}

export function logSmsSender(): SmsSender {
  // Fixed at info: this line is the delivery itself, so LOG_LEVEL=warn must not swallow it.
  const out = createLogger({ service: 'notification', transport: 'log' }, 'info');
  return {
    kind: 'log',
    async send(message) {
      out.info('sms (not sent: no SMS provider is configured)', { sms: { to: message.to, text: message.text } });
    },
  };
}
