import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { EMAIL_MAX, newId, now } from '@wsb/kernel';

/**
 * How a user signs in. Its id is the user's id everywhere on the platform.
 * Each column is declared here once; the migrations create them, and test/schema-drift.test.ts keeps the two equal.
 */
export const Credential = defineEntity({
  name: 'Credential',
  tableName: 'credential',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    /** Trimmed and lower-case. */
    email: p.string().length(EMAIL_MAX).unique('credential_email_key'),
    /** argon2id, encoded with its parameters and salt. */
    passwordHash: p.text(),
    createdAt: p.datetime(3).onCreate(now),
  }),
  checks: [{ name: 'credential_email_check', expression: 'email = lower(email)' }],
});
export type Credential = InferEntity<typeof Credential>;
