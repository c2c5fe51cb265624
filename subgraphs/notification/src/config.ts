import addressparser from 'nodemailer/lib/addressparser';
import { readServiceConfig, type Env, type SubgraphConfig } from '@wsb/kernel';

export interface NotificationConfig extends SubgraphConfig {
  /** SMTP_URL (smtp:// or smtps://): where email goes; unset, emails are written to the log. */
  smtpUrl?: string;
  /** MAIL_FROM: the sender of every email. */
  mailFrom: string;
  /** NOTIFY_MAX_ATTEMPTS (default 4): delivery attempts before a notification is FAILED. */
  notifyMaxAttempts: number;
  /** NOTIFY_RETRY_BASE_MS (default 200): the wait after attempt n is this × 2^(n-1). */
  notifyRetryBaseMs: number;
}

export function readConfig(env: Env): NotificationConfig {
  return readServiceConfig('notification', env, (r) => {
    const smtpUrl = r.optional('SMTP_URL');
    if (smtpUrl !== undefined && !isSmtpUrl(smtpUrl)) r.problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
    const mailFrom = r.str('MAIL_FROM', 'Workspace Booking <no-reply@localhost>');
    const from = addressparser(mailFrom, { flatten: true });
    if (from.length !== 1 || !/^[^\s@]+@[^\s@]+$/.test(from[0].address)) {
      r.problems.push(`MAIL_FROM must be one email address, e.g. "Workspace Booking <no-reply@example.com>", got "${mailFrom}"`);
    }
    return {
      smtpUrl,
      mailFrom,
      notifyMaxAttempts: r.int('NOTIFY_MAX_ATTEMPTS', 4, { min: 1, max: 20 }),
      notifyRetryBaseMs: r.int('NOTIFY_RETRY_BASE_MS', 200, { min: 1, max: 600_000 }),
    };
  });
}

function isSmtpUrl(value: string): boolean {
  try {
    return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
