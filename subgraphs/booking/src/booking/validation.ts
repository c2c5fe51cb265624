/** The Booking rules of API.md that need no other subgraph. Messages are shown to clients as is. */
import { BadUserInputError, requireUuid } from '@wsb/kernel';
import type { CreateBookingInput } from '../__generated__/resolvers-types';

const MAX_BOOKING_DAYS = 30;
const MAX_DURATION_MS = MAX_BOOKING_DAYS * 24 * 60 * 60 * 1000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
/** A start "now" arrives a little late after network latency; do not call that the past. */
const PAST_GRACE_MS = 60 * 1000;

export interface BookingRequest {
  workspaceId: string;
  startsAt: Date;
  endsAt: Date;
  attendees: number;
  idempotencyKey: string | null;
}

/** The shape of the input: ids, counts and the key (the time rules come after the replay check). */
export function parseBookingInput(input: CreateBookingInput): BookingRequest {
  const workspaceId = requireUuid(input.workspaceId, 'workspaceId').toLowerCase();
  const attendees = input.attendees ?? 1;
  if (!Number.isInteger(attendees) || attendees < 1) throw new BadUserInputError('attendees must be at least 1.', 'attendees');
  const key = input.idempotencyKey ?? null;
  if (key !== null && (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw new BadUserInputError(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, 'idempotencyKey');
  }
  return { workspaceId, startsAt: input.startsAt, endsAt: input.endsAt, attendees, idempotencyKey: key };
}

/** startsAt before endsAt (also the rule of Workspace.isAvailable). */
export function checkTimeRange(startsAt: Date, endsAt: Date): void {
  if (!(startsAt.getTime() < endsAt.getTime())) throw new BadUserInputError('startsAt must be before endsAt.', 'startsAt');
}

export function checkBookingWindow(request: BookingRequest, now: Date): void {
  checkTimeRange(request.startsAt, request.endsAt);
  if (request.startsAt.getTime() < now.getTime() - PAST_GRACE_MS) {
    throw new BadUserInputError('startsAt must not be in the past.', 'startsAt');
  }
  if (request.endsAt.getTime() - request.startsAt.getTime() > MAX_DURATION_MS) {
    throw new BadUserInputError(`A booking can last at most ${MAX_BOOKING_DAYS} days.`, 'endsAt');
  }
}
