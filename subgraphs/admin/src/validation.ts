import { BadUserInputError, listBounds, pageSize, requireUuid } from '@wsb/kernel';
import type { RecordAuditInput } from './__generated__/resolvers-types';
import { ACTION_MAX, TARGET_MAX } from './entities/admin-audit-entry.entity';

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
  return pageSize(first, listBounds('AdminDashboard.recentActivity'));
}
