/**
 * The rules for a person's name and email, in one place: auth checks them when someone registers,
 * user when a profile is written or changed, and the columns that hold them are sized from them.
 */
import { BadUserInputError } from './errors';

/** The WHATWG form-validation rule, plus a dot in the domain: sane, not RFC 5322 in full. */
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const EMAIL_MAX = 254;
export const NAME_MAX = 100;

/** Emails are compared trimmed and lower-cased everywhere, so one person cannot hold two accounts. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isEmail(normalized: string): boolean {
  return normalized.length <= EMAIL_MAX && EMAIL.test(normalized);
}

export function validEmail(email: string): string {
  const normalized = normalizeEmail(email);
  if (!isEmail(normalized)) throw new BadUserInputError('email is not a valid email address.', 'email');
  return normalized;
}

/** Trimmed, 1 to NAME_MAX characters. */
export function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > NAME_MAX) {
    throw new BadUserInputError(`name must be 1 to ${NAME_MAX} characters.`, 'name');
  }
  return trimmed;
}
