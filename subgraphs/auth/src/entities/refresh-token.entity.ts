import { randomUUID } from 'node:crypto';
import { EntitySchema, OptionalProps } from '@mikro-orm/postgresql';

/**
 * One refresh token. Only its SHA-256 is stored, so a database leak gives no usable token. Every
 * rotation adds a token to the same family; presenting a used one revokes the whole family.
 */
export class RefreshToken {
  [OptionalProps]?: 'id' | 'usedAt' | 'revokedAt' | 'createdAt';
  id: string = randomUUID();
  userId!: string;
  /** The sign-in this token descends from. */
  familyId!: string;
  /** SHA-256 of the token, hex. */
  tokenHash!: string;
  expiresAt!: Date;
  /** Set when the token was exchanged for a new one. */
  usedAt: Date | null = null;
  revokedAt: Date | null = null;
  createdAt: Date = new Date();
}

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  class: RefreshToken,
  tableName: 'refresh_token',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    familyId: { type: 'uuid' },
    tokenHash: { type: 'string', length: 64, unique: true },
    expiresAt: { type: 'datetime', length: 3 },
    usedAt: { type: 'datetime', length: 3, nullable: true },
    revokedAt: { type: 'datetime', length: 3, nullable: true },
    createdAt: { type: 'datetime', length: 3 },
  },
});
