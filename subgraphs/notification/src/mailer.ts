/**
 * Email goes out through nodemailer behind the Mailer interface, so delivery code does not care
 * which transport runs and tests can pass a capturing Mailer through the config.
 * - SMTP_URL set: an SMTP transport.
 * - SMTP_URL unset (development): nodemailer's JSON transport builds the message and the whole
 *   of it is written as one log line on stdout, so `./dev.sh logs notification-service` shows
 *   every email a developer would have received.
 */
import nodemailer from 'nodemailer';
import { createLogger } from '@wsb/kernel';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** `smtp` or `log`; shown in the start-up log. */
  readonly kind: string;
  /** Resolves once the transport accepted the message; rejects with a readable error otherwise. */
  send(message: MailMessage): Promise<void>;
  /** Closes the transport's connections (on shutdown, as a service of the subgraph). */
  stop?(): void;
}

export interface MailerSettings {
  smtpUrl?: string;
  mailFrom: string;
}

/** Short enough that a dead mail server fails the attempt (and retries) well within the backoff window. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createMailer(settings: MailerSettings): Mailer {
  return settings.smtpUrl ? smtpMailer(settings.smtpUrl, settings.mailFrom) : logMailer(settings.mailFrom);
}

function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS }, { from });
  return {
    kind: 'smtp',
    async send(message) {
      const info = await transport.sendMail(message);
      // A server may accept the session but refuse the recipient; that is a failed delivery.
      if (info.rejected.length) throw new Error(`The mail server refused ${info.rejected.join(', ')}: ${info.response}`);
    },
    stop: () => transport.close(),
  };
}

/** Writes the whole email to stdout instead of sending it. */
function logMailer(from: string): Mailer {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  // Fixed at info: this line is the delivery itself, so LOG_LEVEL=warn must not swallow it.
  const out = createLogger({ service: 'notification', transport: 'log' }, 'info');
  return {
    kind: 'log',
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      const mail = JSON.parse(info.message) as { messageId?: string; from?: unknown; to?: unknown; subject?: string; text?: string };
      out.info('email (not sent: SMTP_URL is not set)', {
        email: { messageId: mail.messageId, from: mail.from, to: mail.to, subject: mail.subject, text: mail.text },
      });
    },
  };
}
