import { BadUserInputError, requireUuid, validMoney } from '@wsb/kernel';
import type { RecordActivityInput } from './__generated__/resolvers-types';
import { ACTIVITY_KINDS, type Activity, type ActivityKind } from './entities/activity.entity';

export type ActivityData = Omit<Activity, 'id' | 'createdAt'>;

/** The booking subgraph is trusted to call, not to be bug-free: an event is checked before it is kept. */
export function validActivity(input: RecordActivityInput): ActivityData {
  if (!(ACTIVITY_KINDS as readonly string[]).includes(input.kind)) {
    throw new BadUserInputError(`kind must be one of ${ACTIVITY_KINDS.join(', ')}.`, 'kind');
  }
  if (input.startsAt.getTime() >= input.endsAt.getTime()) throw new BadUserInputError('startsAt must be before endsAt.', 'startsAt');
  const { amount, currency } = validMoney(input.amount, 'amount');
  return {
    kind: input.kind as ActivityKind,
    bookingId: requireUuid(input.bookingId, 'bookingId'),
    userId: requireUuid(input.userId, 'userId'),
    workspaceId: requireUuid(input.workspaceId, 'workspaceId'),
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    amount,
    currency,
    at: input.at,
  };
}
