import { allow, limitAttempts, type IRules } from '@wsb/kernel';

/** Against brute force: a tight budget per email and per client address (RATE_LIMIT_AUTH_PER_*). */
const authAttempt = limitAttempts('authEmail', (args: { input: { email: string } }) => args.input.email, 'authIp');

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
    register: authAttempt,
    login: authAttempt,
    refreshToken: allow,
    logout: allow,
  },
  _Service: allow,
  AuthPayload: allow,
  User: allow,
};
