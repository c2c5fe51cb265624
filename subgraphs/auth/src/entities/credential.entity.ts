import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

/** How a user signs in. Its id is the user's id everywhere on the platform. */
export class Credential {
  [OptionalProps]?: 'id' | 'createdAt';
  id: string = randomUUID();
  /** Trimmed and lower-case. */
  email!: string;
  /** argon2id, encoded with its parameters and salt. */
  passwordHash!: string;
  createdAt: Date = new Date();
}

export const CredentialSchema = new EntitySchema<Credential>({
  class: Credential,
  tableName: 'credential',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string', length: 254, unique: true },
    passwordHash: { type: 'text' },
    createdAt: { type: 'datetime', length: 3 },
  },
});
