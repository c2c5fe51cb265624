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

export const ROLES = ['MEMBER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];
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
/** A signed service token is reused for the same identity while at least half its life is left. */
const SERVICE_TOKEN_REUSE_MS = (SERVICE_TOKEN_TTL_SECONDS * 1000) / 2;
const MAX_CACHED_TOKENS = 10_000;

/**
 * A per-process memo of token work, keyed by the exact token (or identity) string: signing and
 * verifying HS256 is cheap, but it was done for every subgraph fetch of every request. An entry
 * lives until the moment the token would stop verifying, so a cached answer is always the one a
 * fresh check would give; the map is cleared when it grows past MAX_CACHED_TOKENS.
 */
class TokenMemo<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() < entry.until) return entry.value;
    this.entries.delete(key);
    return undefined;
  }
  set(key: string, value: T, until: number): void {
    if (this.entries.size >= MAX_CACHED_TOKENS) this.entries.clear();
    this.entries.set(key, { value, until });
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** One memo per key set (each process has one), so tokens of another key set never meet it. */
function memoFor<K extends object, T>(memos: WeakMap<K, TokenMemo<T>>, keys: K): TokenMemo<T> {
  let memo = memos.get(keys);
  if (!memo) memos.set(keys, (memo = new TokenMemo<T>()));
  return memo;
}
const signed = new WeakMap<ServiceKey[], TokenMemo<Promise<string>>>();
const verifiedServices = new WeakMap<ServiceKey[], TokenMemo<Identity>>();
const verifiedUsers = new WeakMap<Uint8Array, TokenMemo<UserIdentity>>();

/** When a verified token stops being valid: its expiry, or `maxAgeSeconds` after it was issued. */
function validUntil(payload: JWTPayload, maxAgeSeconds?: number): number {
  const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now();
  if (maxAgeSeconds === undefined || typeof payload.iat !== 'number') return exp;
  return Math.min(exp, (payload.iat + maxAgeSeconds) * 1000);
}

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
  const memo = memoFor(verifiedUsers, secret);
  const known = memo.get(token);
  if (known) return known;
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: USER_ISSUER, audience: USER_AUDIENCE, algorithms: ['HS256'] });
    const user = toUser(payload.sub, payload.role);
    if (user) memo.set(token, Object.freeze(user), validUntil(payload));
    return user;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return undefined;
    throw err;
  }
}

function toUser(id: unknown, role: unknown): UserIdentity | undefined {
  if (typeof id !== 'string' || (role !== 'MEMBER' && role !== 'ADMIN')) return undefined;
  return { id, role };
}

/**
 * The signing itself is memoized, not only the token it gives: calls for one identity that
 * arrive while its token is being signed share that token. Each signing its own, calls on either
 * side of a second (the token's `iat`) got different tokens, so the gateway's in-flight merging,
 * keyed by the request as sent, saw different requests.
 */
export function signServiceToken(identity: Identity, keys: ServiceKey[]): Promise<string> {
  const memo = memoFor(signed, keys);
  const id = `${identity.caller}\n${identity.user?.id ?? ''}\n${identity.user?.role ?? ''}\n${identity.clientIp ?? ''}`;
  const known = memo.get(id);
  if (known) return known;
  const token = sign(identity, keys);
  memo.set(id, token, Date.now() + SERVICE_TOKEN_REUSE_MS);
  token.catch(() => memo.delete(id));
  return token;
}

async function sign(identity: Identity, keys: ServiceKey[]): Promise<string> {
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
  const memo = memoFor(verifiedServices, keys);
  const known = memo.get(token);
  if (known) return known;
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
    // Frozen: the same object answers every request that carries this token.
    const identity: Identity = Object.freeze({ caller: payload.sub, user: user && Object.freeze(user), clientIp });
    memo.set(token, identity, validUntil(payload, SERVICE_TOKEN_TTL_SECONDS * 2));
    return identity;
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
