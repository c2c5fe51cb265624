import { defineEntity, type InferEntity } from '@mikro-orm/postgresql';
import { newId, now } from '@wsb/kernel';

/**
 * One refresh token. Only its SHA-256 is stored, so a database leak gives no usable token. Every
 * rotation adds a token to the same family; presenting a used one revokes the whole family.
 */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(newId),
    /** The credential's id (a foreign key with on delete cascade in the migration). */
    userId: p.uuid().index('refresh_token_user_id_idx'),
    /** The sign-in this token descends from. */
    familyId: p.uuid().index('refresh_token_family_id_idx'),
    /** SHA-256 of the token, hex. */
    tokenHash: p.string().columnType('char(64)').unique('refresh_token_token_hash_key'),
    expiresAt: p.datetime(3),
    /** Set when the token was exchanged for a new one. */
    usedAt: p.datetime(3).nullable(),
    revokedAt: p.datetime(3).nullable(),
    createdAt: p.datetime(3).onCreate(now),
  }),
});
export type RefreshToken = InferEntity<typeof RefreshToken>;
