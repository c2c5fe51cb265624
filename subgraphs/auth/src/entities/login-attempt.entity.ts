import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

/** Every login, good or bad: the trail an operator reads when an account is being guessed at. */
export class LoginAttempt {
  [OptionalProps]?: 'id' | 'createdAt';
  id: string = randomUUID();
  /** As typed (normalized), even when no account has it. */
  email!: string;
  succeeded!: boolean;
  createdAt: Date = new Date();
}

export const LoginAttemptSchema = new EntitySchema<LoginAttempt>({
  class: LoginAttempt,
  tableName: 'login_attempt',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string', length: 254 },
    succeeded: { type: 'boolean' },
    createdAt: { type: 'datetime', length: 3 },
  },
});
