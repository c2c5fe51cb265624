/**
 * The permission vocabulary every subgraph's `permissions.ts` is written in. The shield denies
 * anything without a rule (`fallbackRule: deny`), so a new field is closed until someone opens it.
 */
import { allow, and, deny, or, rule, shield, type IRule, type IRules } from 'graphql-shield';
import type { GraphQLSchema } from 'graphql';
import type { IMiddleware } from 'graphql-middleware';
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
export const isAuthenticated = rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) => (ctx.identity.user ? true : new UnauthenticatedError()));

/** A signed-in user with role ADMIN. */
export const isAdmin = rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) => {
  if (!ctx.identity.user) return new UnauthenticatedError();
  return ctx.identity.user.role === 'ADMIN' ? true : new ForbiddenError('Only an admin can do this.');
});

/** Another subgraph of the platform calling on its own behalf or a user's (not the gateway). */
export const isInternalService = rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) =>
  ctx.identity.caller !== 'gateway' ? true : new ForbiddenError(),
);

/**
 * The owner of the parent, an admin, or another platform service. An anonymous caller is told to
 * sign in (UNAUTHENTICATED) wherever it meets such a field, not only below a signed-in root field;
 * another member gets FORBIDDEN.
 *
 * One rule, cached per request by the owner's id: on a page of 100 bookings by one member it runs
 * once, not once per field of every booking. (graphql-shield's 'strict' cache hashed the whole
 * parent object for every field, a third of the booking subgraph's CPU on a page.)
 */
export function ownerOrAdmin<P>(owner: (parent: P) => string | undefined | null) {
  return rule({ cache: (parent: P) => `owner:${owner(parent)}` })((parent: P, _a, ctx: WithIdentity) => {
    const { caller, user } = ctx.identity;
    if (caller !== 'gateway') return true;
    if (!user) return new UnauthenticatedError();
    return user.role === 'ADMIN' || owner(parent) === user.id ? true : new ForbiddenError();
  });
}

/**
 * Counted once per request (contextual cache) before any root field runs: mutations per signed-in
 * user, everything per client IP for anonymous callers. Calls between platform services are not
 * counted; the client request that caused them already was.
 */
const requestRateLimit = rule({ cache: 'contextual' })((_p, _a, ctx: WithLimits, info) => {
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

/**
 * Counts an attempt against a limit keyed by something in the arguments (an email, say) and the
 * client IP. Like the request limit, it counts clients (calls through the gateway): a platform
 * service holds the service keys and could sign any identity anyway (`./dev.sh seed` registers
 * its demo members this way).
 */
export function limitAttempts(kind: RateLimitKind, keyOf: (args: any) => string, ipKind: RateLimitKind) {
  return rule({ cache: 'no_cache' })((_p, args, ctx: WithLimits) =>
    ctx.identity.caller !== 'gateway'
      ? true
      : counted(
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

/**
 * The shield's middleware for `schema`: every field gets its rule (deny where none is written),
 * except fields whose rule is plain `allow`, which keep their own resolver untouched. A field
 * checked by a rule is awaited; an allowed scalar stays a synchronous property read, which on a
 * page of 100 items is most of the fields.
 */
export function buildShield(rules: IRules, schema: GraphQLSchema): IMiddleware {
  const wrapped = withRequestLimit(rules) as Record<string, unknown>;
  const generated = shield(wrapped as IRules, {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError(),
    allowExternalErrors: true,
    debug: false,
  }).generate(schema) as Record<string, Record<string, unknown>>;
  for (const [type, fields] of Object.entries(generated)) {
    const entry = wrapped[type];
    for (const field of Object.keys(fields)) {
      const ruleOf = isFieldMap(entry) ? (entry[field] ?? entry['*']) : entry;
      if (ruleOf === allow) delete fields[field];
    }
  }
  return generated as IMiddleware;
}

/** A type's entry in the rules is a rule (for all its fields) or a map of field rules ('*' for the rest). */
function isFieldMap(entry: unknown): entry is Record<string, unknown> {
  return typeof entry === 'object' && entry !== null && Object.getPrototypeOf(entry) === Object.prototype;
}

export { allow, or, rule };
export type { IRules };

/** Only the named platform services (e.g. the auth subgraph creating user profiles). */
export function isCallerService(...callers: string[]) {
  return rule({ cache: 'contextual' })((_p, _a, ctx: WithIdentity) => (callers.includes(ctx.identity.caller) ? true : new ForbiddenError()));
}
