/**
 * The permission vocabulary every subgraph's `permissions.ts` is written in. The shield denies
 * anything without a rule (`fallbackRule: deny`), so a new field is closed until someone opens it.
 */
import { allow, and, deny, or, rule, shield, type IRules } from 'graphql-shield';
import type { IRule } from 'graphql-shield/typings/types';
import type { Identity } from './identity';
import { ForbiddenError, UnauthenticatedError } from './errors';
import type { RateLimitKind, RateLimiter } from './rate-limit';

interface WithIdentity {
  identity: Identity;
}
interface WithLimits extends WithIdentity {
  rateLimiter: RateLimiter;
}

/** Any signed-in end user. */
export const isAuthenticated = rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) =>
  ctx.identity.user ? true : new UnauthenticatedError(),
);

/** A signed-in user with role ADMIN. */
export const isAdmin = rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) => {
  if (!ctx.identity.user) return new UnauthenticatedError();
  return ctx.identity.user.role === 'ADMIN' ? true : new ForbiddenError('Only an admin can do this.');
});

/** Another subgraph of the platform calling on its own behalf or a user's (not the gateway). */
export const isInternalService = rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) =>
  ctx.identity.caller !== 'gateway' ? true : new ForbiddenError(),
);

/** The parent object belongs to the signed-in user; `owner` reads the owner's id off the parent. */
export function isOwner<P>(owner: (parent: P) => string | undefined | null) {
  return rule({ cache: 'strict' })((parent: P, _a, ctx: WithIdentity) => {
    if (!ctx.identity.user) return new UnauthenticatedError();
    return owner(parent) === ctx.identity.user.id ? true : new ForbiddenError('This belongs to another user.');
  });
}

/** A signed-in end user, or another platform service acting on its own behalf. */
const isSignedInOrService = rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) =>
  ctx.identity.user || ctx.identity.caller !== 'gateway' ? true : new UnauthenticatedError(),
);

/**
 * The owner of the parent, an admin, or another platform service. An anonymous caller is told to
 * sign in (UNAUTHENTICATED) wherever it meets such a field, not only below a signed-in root field:
 * `or` answers with its first error, which for anonymous callers was isInternalService's FORBIDDEN.
 */
export function ownerOrAdmin<P>(owner: (parent: P) => string | undefined | null) {
  return and(isSignedInOrService, or(isInternalService, isAdmin, isOwner(owner)));
}

/**
 * Counted once per request (contextual cache) before any root field runs: mutations per signed-in
 * user, everything per client IP for anonymous callers. Calls between platform services are not
 * counted; the client request that caused them already was.
 */
export const requestRateLimit = rule({ cache: 'contextual' })((_p, _a, ctx: WithLimits, info) => {
  const { caller, user, clientIp } = ctx.identity;
  if (caller !== 'gateway') return true;
  if (!user) return counted(ctx.rateLimiter.consume('anonymous', clientIp ?? 'unknown'));
  if (info.operation.operation === 'mutation') return counted(ctx.rateLimiter.consume('mutation', user.id));
  return true;
});

/** A shield rule must return its error: one it throws is replaced by the generic fallback. */
function counted(consumed: Promise<void>): Promise<true | Error> {
  return consumed.then(
    () => true as const,
    (err: Error) => err,
  );
}

/** Counts an attempt against a limit keyed by something in the arguments (an email, say) and the client IP. */
export function limitAttempts(kind: RateLimitKind, keyOf: (args: any) => string, ipKind: RateLimitKind) {
  return rule({ cache: 'no_cache' })((_p, args, ctx: WithLimits) =>
    counted(
      (async () => {
        await ctx.rateLimiter.consume(ipKind, ctx.identity.clientIp ?? 'unknown');
        await ctx.rateLimiter.consume(kind, String(keyOf(args)).trim().toLowerCase());
      })(),
    ),
  );
}

/** Puts the request rate limit in front of every root field's own rule. */
function withRequestLimit(rules: IRules): IRules {
  const wrapped: Record<string, unknown> = { ...(rules as Record<string, unknown>) };
  for (const root of ['Query', 'Mutation']) {
    const fields = wrapped[root];
    if (!fields) continue;
    wrapped[root] =
      typeof fields === 'object' && !('resolve' in (fields as object)) && !('rules' in (fields as object))
        ? Object.fromEntries(Object.entries(fields as Record<string, IRule>).map(([f, r]) => [f, and(requestRateLimit, r)]))
        : and(requestRateLimit, fields as IRule);
  }
  return wrapped as IRules;
}

export function buildShield(rules: IRules) {
  return shield(withRequestLimit(rules), {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError(),
    allowExternalErrors: true,
    debug: false,
  });
}

export { allow, and, deny, or, rule };
export type { IRules };

/** Only the named platform services (e.g. the auth subgraph creating user profiles). */
export function isCallerService(...callers: string[]) {
  return rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) =>
    callers.includes(ctx.identity.caller) ? true : new ForbiddenError(),
  );
}
