import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { EMAIL_MAX, newId, now } from '@wsb/kernel';

/** Every login, good or bad: the trail an operator reads when an account is being guessed at. */
export const LoginAttempt = defineEntity({
  name: 'LoginAttempt',
  tableName: 'login_attempt',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    /** As typed (normalized), even when no account has it. */
    email: p.string().length(EMAIL_MAX),
    succeeded: p.boolean(),
    createdAt: p.datetime(3).onCreate(now),
  }),
  indexes: [{ name: 'login_attempt_email_idx', expression: 'create index login_attempt_email_idx on login_attempt (email, created_at desc)' }],
});
export type LoginAttempt = InferEntity<typeof LoginAttempt>;
