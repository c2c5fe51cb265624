import { randomUUID } from 'node:crypto';
import type { TestApp } from '@wsb/kernel/src/testing';
import type { NotificationConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { NotificationServices } from '../src/services';
import type { MailMessage, Mailer } from '../src/mailer';
import type { SmsMessage, SmsSender } from '../src/sms';

export type App = TestApp<Loaders, NotificationConfig, NotificationServices>;

/** Keeps every message; `failures` makes that many sends throw first (Infinity: all of them). */
export class CapturingMailer implements Mailer {
  readonly kind = 'capturing';
  sent: MailMessage[] = [];
  attempts: number[] = [];
  failures = 0;
  error = '  mailbox unavailable (550)\n';

  async send(message: MailMessage): Promise<void> {
    this.attempts.push(Date.now());
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error(this.error);
    }
    this.sent.push(message);
  }

  reset(): void {
    Object.assign(this, { sent: [], attempts: [], failures: 0 });
  }
}

export class CapturingSms implements SmsSender {
  readonly kind = 'capturing';
  sent: SmsMessage[] = [];
  async send(message: SmsMessage): Promise<void> {
    this.sent.push(message);
  }
}

export const SEND = `mutation ($input: SendNotificationInput!) {
  _sendNotification(input: $input) { id status channel kind subject body failureReason createdAt sentAt user { id } }
}`;

export function message(userId: string, patch: Record<string, unknown> = {}) {
  return {
    input: {
      userId,
      recipient: 'ada@example.com',
      channel: 'EMAIL',
      kind: 'BOOKING_CONFIRMED',
      subject: 'Your booking is confirmed',
      body: 'Orion, 1 December 2026, 09:00 to 11:00.',
      dedupeKey: `BOOKING_CONFIRMED:${randomUUID()}`,
      ...patch,
    },
  };
}

/** Waits until every delivery attempt, including background retries, has finished. */
export const settled = (app: App) => app.services.delivery.idle();

/** The stored row of a notification, read with SQL; timestamps (text from the driver) as Dates. */
export async function row(app: App, dedupeKey: string): Promise<Record<string, any> | undefined> {
  const rows = await app.orm.em
    .fork()
    .getConnection()
    .execute('select id, status, attempts, failure_reason, sent_at, recipient from notification where dedupe_key = ?', [dedupeKey]);
  return rows.map((r: Record<string, any>) => ({ ...r, sent_at: r.sent_at && new Date(r.sent_at) }))[0];
}
