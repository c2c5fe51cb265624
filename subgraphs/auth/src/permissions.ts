import { allow, type IRules } from '@wsb/kernel';

/**
 * Signing in is for anonymous callers. AuthPayload.user is the profile auth itself just read for
 * the caller's own account, so it needs no further rule. Anything not listed is denied.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
  },
  Mutation: {
    register: allow,
    login: allow,
    refreshToken: allow,
    logout: allow,
  },
  _Service: allow,
  AuthPayload: allow,
  User: allow,
};
