/**
 * Two kinds of tokens.
 * - User access tokens: signed by the auth subgraph, verified by the gateway (HS256, JWT_SECRET).
 * - Service identity: a short-lived token the gateway or a calling subgraph signs for every
 *   subgraph request (HS256, SERVICE_JWT_KEYS, `kid` header so keys rotate without downtime).
 *   The end user travels inside it; subgraphs trust nothing else, so a client-sent identity
 *   header means nothing and a subgraph port reached directly answers nothing.
 */
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { ServiceKey } from './config';

export type Role = 'MEMBER' | 'ADMIN';
export interface UserIdentity {
  id: string;
  role: Role;
}
export interface Identity {
  /** The platform service that signed the request: `gateway` or a subgraph's name. */
  caller: string;
  /** The end user the request acts for, if any. */
  user?: UserIdentity;
  /** The client's address as the gateway saw it (behind trusted proxies only from X-Forwarded-For). */
  clientIp?: string;
}

const USER_ISSUER = 'wsb-auth';
const USER_AUDIENCE = 'wsb';
const SERVICE_AUDIENCE = 'wsb-subgraph';
const SERVICE_TOKEN_TTL_SECONDS = 60;

export async function signAccessToken(user: UserIdentity, secret: Uint8Array, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const token = await new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(USER_ISSUER)
    .setAudience(USER_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secret);
  return { token, expiresAt };
}

/** Returns the user of a valid access token, or undefined for any invalid or expired one. */
export async function verifyAccessToken(token: string, secret: Uint8Array): Promise<UserIdentity | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: USER_ISSUER, audience: USER_AUDIENCE, algorithms: ['HS256'] });
    return toUser(payload.sub, payload.role);
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return undefined;
    throw err;
  }
}

function toUser(id: unknown, role: unknown): UserIdentity | undefined {
  if (typeof id !== 'string' || (role !== 'MEMBER' && role !== 'ADMIN')) return undefined;
  return { id, role };
}

export async function signServiceToken(identity: Identity, keys: ServiceKey[]): Promise<string> {
  const [key] = keys;
  const claims: JWTPayload = identity.user ? { usr: identity.user.id, rol: identity.user.role } : {};
  if (identity.clientIp) claims.ip = identity.clientIp;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .setSubject(identity.caller)
    .setIssuer(identity.caller)
    .setAudience(SERVICE_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${SERVICE_TOKEN_TTL_SECONDS}s`)
    .sign(key.secret);
}

/** Verifies a service token against every configured key; undefined when it is not valid. */
export async function verifyServiceToken(token: string, keys: ServiceKey[]): Promise<Identity | undefined> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = keys.find((k) => k.kid === header.kid);
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key.secret;
      },
      { audience: SERVICE_AUDIENCE, algorithms: ['HS256'], maxTokenAge: `${SERVICE_TOKEN_TTL_SECONDS * 2}s` },
    );
    if (typeof payload.sub !== 'string' || payload.iss !== payload.sub) return undefined;
    const user = payload.usr === undefined ? undefined : toUser(payload.usr, payload.rol);
    if (payload.usr !== undefined && !user) return undefined;
    const clientIp = typeof payload.ip === 'string' ? payload.ip : undefined;
    return { caller: payload.sub, user, clientIp };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return undefined;
    throw err;
  }
}

/** Bearer token of an Authorization header, if it has one. */
export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
