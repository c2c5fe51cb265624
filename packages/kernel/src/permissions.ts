/**
 * The permission vocabulary every subgraph's `permissions.ts` is written in. The shield denies
 * anything without a rule (`fallbackRule: deny`), so a new field is closed until someone opens it.
 */
import { allow, and, deny, or, rule, shield, type IRules } from 'graphql-shield';
import type { Identity } from './identity';
import { ForbiddenError, UnauthenticatedError } from './errors';

interface WithIdentity {
  identity: Identity;
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

/** The owner of the parent, an admin, or another platform service. */
export function ownerOrAdmin<P>(owner: (parent: P) => string | undefined | null) {
  return or(isInternalService, isAdmin, isOwner(owner));
}

export function buildShield(rules: IRules) {
  return shield(rules, {
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
