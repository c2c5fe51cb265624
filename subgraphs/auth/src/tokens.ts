/**
 * Access tokens are short-lived JWTs the gateway verifies. Refresh tokens are 32 random bytes the
 * client keeps; the database holds only their SHA-256. Each refresh uses one up and issues the
 * next in the same family, so a replayed (stolen) token shows up as a used one.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { signAccessToken } from '@wsb/kernel';
import type { AuthPayload } from './__generated__/resolvers-types';
import type { AuthConfig } from './config';
import { RefreshToken } from './entities/refresh-token.entity';
import type { Profile } from './profiles';

const DAY_MS = 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new refresh token (in `familyId`, or a new family for a new sign-in) and an access token. */
export async function issueTokens(em: EntityManager, config: AuthConfig, profile: Profile, familyId: string = randomUUID()): Promise<AuthPayload> {
  const refreshToken = randomBytes(32).toString('base64url');
  em.create(RefreshToken, {
    userId: profile.id,
    familyId,
    tokenHash: hashToken(refreshToken),
    expiresAt: new Date(Date.now() + config.refreshTokenTtlDays * DAY_MS),
  });
  await em.flush();
  const access = await signAccessToken({ id: profile.id, role: profile.role }, config.jwtSecret, config.accessTokenTtlSeconds);
  return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user: profile };
}

/** One statement, so that of two requests racing with the same token exactly one wins it. */
const CLAIM = `
  update refresh_token set used_at = now()
  where token_hash = ? and used_at is null and revoked_at is null and expires_at > now()
  returning *`;

/** Marks a valid token used and returns it; undefined for an unknown, used, revoked or expired one. */
export async function claimRefreshToken(em: EntityManager, token: string): Promise<RefreshToken | undefined> {
  const [row] = await em.execute<Record<string, unknown>[]>(CLAIM, [hashToken(token)]);
  return row ? em.map(RefreshToken, row) : undefined;
}

export async function findRefreshToken(em: EntityManager, token: string): Promise<RefreshToken | null> {
  return em.findOne(RefreshToken, { tokenHash: hashToken(token) });
}

/** Revokes every token of the family still standing; returns how many were. */
export function revokeFamily(em: EntityManager, familyId: string): Promise<number> {
  return em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() });
}

export function isUsable(token: RefreshToken, now = new Date()): boolean {
  return !token.usedAt && !token.revokedAt && token.expiresAt > now;
}
