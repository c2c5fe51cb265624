import { BadUserInputError, requireUuid } from '@wsb/kernel';
import type { NotificationChannel } from './entities/notification.entity';

export interface NotificationInput {
  userId: string;
  recipient: string;
  channel: NotificationChannel;
  kind: string;
  subject: string;
  body: string;
  dedupeKey: string;
}

// One address only: nodemailer reads "a@x, b@y" as two recipients, so separators are refused.
const EMAIL = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const KIND = /^[A-Z][A-Z0-9_]{0,63}$/;

export function validNotification(input: NotificationInput): NotificationInput {
  const userId = requireUuid(input.userId, 'input.userId');
  const recipient = input.recipient.trim();
  if (input.channel === 'EMAIL' && (recipient.length > 320 || !EMAIL.test(recipient))) {
    throw new BadUserInputError('input.recipient must be one email address for an EMAIL notification.', 'input.recipient');
  }
  if (input.channel === 'SMS' && !E164.test(recipient)) {
    throw new BadUserInputError('input.recipient must be a phone number such as +4915112345678 for an SMS notification.', 'input.recipient');
  }
  if (!KIND.test(input.kind)) {
    throw new BadUserInputError('input.kind must be 1 to 64 upper-case letters, digits or _, e.g. BOOKING_CONFIRMED.', 'input.kind');
  }
  const subject = input.subject.trim();
  // A line break in a subject would start a new mail header.
  if (subject.length < 1 || subject.length > 200 || /[\r\n]/.test(subject)) {
    throw new BadUserInputError('input.subject must be 1 to 200 characters on one line.', 'input.subject');
  }
  if (input.body.trim().length < 1 || input.body.length > 10_000) {
    throw new BadUserInputError('input.body must be 1 to 10000 characters.', 'input.body');
  }
  if (input.dedupeKey.length < 1 || input.dedupeKey.length > 200) {
    throw new BadUserInputError('input.dedupeKey must be 1 to 200 characters.', 'input.dedupeKey');
  }
  return { ...input, userId, recipient, subject };
}
