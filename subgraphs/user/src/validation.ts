import { BadUserInputError } from '@wsb/kernel';

export const NAME_MAX = 100;

export function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > NAME_MAX) {
    throw new BadUserInputError(`name must be 1 to ${NAME_MAX} characters.`, 'name');
  }
  return trimmed;
}

/** Only the auth subgraph writes emails, after validating them; this keeps the column's rule. */
export function normalizedEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!normalized.includes('@') || normalized.length > 254) {
    throw new BadUserInputError('email is not a valid email address.', 'email');
  }
  return normalized;
}
