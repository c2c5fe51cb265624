import { BadUserInputError } from '@wsb/kernel';

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));

export function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 200) throw new BadUserInputError('name must be 1 to 200 characters.', 'name');
  return trimmed;
}

export function validDescription(description: string | null | undefined): string | null {
  if (description === null || description === undefined) return null;
  if (description.length > 2000) throw new BadUserInputError('description must be at most 2000 characters.', 'description');
  return description;
}

export function validCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10000) {
    throw new BadUserInputError('capacity must be a whole number from 1 to 10000.', 'capacity');
  }
  return capacity;
}

export function validTimezone(timezone: string): string {
  if (!TIME_ZONES.has(timezone) && timezone !== 'UTC') {
    throw new BadUserInputError(`timezone must be an IANA time zone such as Europe/Berlin, got "${timezone.slice(0, 64)}".`, 'timezone');
  }
  return timezone;
}
