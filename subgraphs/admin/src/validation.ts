import { BadUserInputError, requireUuid } from '@wsb/kernel';
import type { RecordAuditInput } from './__generated__/resolvers-types';
import { ACTION_MAX, TARGET_MAX } from './entities/admin-audit-entry.entity';

export const RECENT_ACTIVITY_DEFAULT = 10;
export const RECENT_ACTIVITY_MAX = 50;

function bounded(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw new BadUserInputError(`${field} must be 1 to ${max} characters.`, field);
  return trimmed;
}

/** Checked even though only platform services call: a bad entry would otherwise fail as a database error. */
export function validAudit(input: RecordAuditInput) {
  return {
    actorId: requireUuid(input.actorId, 'actorId'),
    action: bounded(input.action, 'action', ACTION_MAX),
    target: bounded(input.target, 'target', TARGET_MAX),
  };
}

export function recentActivityLimit(first: number | null | undefined): number {
  const limit = first ?? RECENT_ACTIVITY_DEFAULT;
  if (!Number.isInteger(limit) || limit < 0 || limit > RECENT_ACTIVITY_MAX) {
    throw new BadUserInputError(`first must be between 0 and ${RECENT_ACTIVITY_MAX}.`, 'first');
  }
  return limit;
}
