import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { EMAIL_MAX, NAME_MAX, now, ROLES } from '@wsb/kernel';

/**
 * A user's profile. The id is the auth subgraph's credential id, so it is given, never generated.
 * Each column is declared here once; the migrations create them, and test/schema-drift.test.ts keeps the two equal.
 */
export const User = defineEntity({
  name: 'User',
  // `user` is a reserved word in PostgreSQL.
  tableName: 'user_profile',
  properties: (p) => ({
    id: p.uuid().primary(),
    /** Lower-case; the auth subgraph normalizes it before it gets here. */
    email: p.string().length(EMAIL_MAX).unique('user_profile_email_key'),
    name: p.string().length(NAME_MAX),
    role: p
      .enum([...ROLES])
      .columnType('varchar(10)')
      .default('MEMBER')
      .onCreate(() => 'MEMBER' as const),
    createdAt: p.datetime(3).onCreate(now),
    updatedAt: p.datetime(3).onCreate(now).onUpdate(now),
  }),
  indexes: [{ name: 'user_profile_created_at_idx', expression: 'create index user_profile_created_at_idx on user_profile (created_at desc, id desc)' }],
  checks: [{ name: 'user_profile_email_check', expression: 'email = lower(email)' }],
});
export type User = InferEntity<typeof User>;
