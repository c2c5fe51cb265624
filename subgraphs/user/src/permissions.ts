import {
  ForbiddenError,
  UnauthenticatedError,
  allow,
  isAdmin,
  isAuthenticated,
  isCallerService,
  isInternalService,
  or,
  ownerOrAdmin,
  rule,
  type IRules,
} from '@wsb/kernel';
import type { Context } from './context';
import type { User } from './entities/user.entity';

/** `user(id)` asking for one's own id: decided on the argument, so a member cannot probe other ids. */
const asksForSelf = rule({ cache: 'no_cache' })((_p, args: { id: string }, ctx: Context) => {
  if (!ctx.identity.user) return new UnauthenticatedError();
  return args.id.toLowerCase() === ctx.identity.user.id ? true : new ForbiddenError('You can only read your own profile.');
});

/**
 * Profiles are private: the type-level rule covers every field wherever a User appears, including
 * `_entities`, so another subgraph's reference cannot be used to read someone else's email.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
    me: allow,
    user: or(asksForSelf, isAdmin),
    users: isAdmin,
    _userCount: isInternalService,
  },
  Mutation: {
    updateMe: isAuthenticated,
    setUserRole: isAdmin,
    _createUserProfile: isCallerService('auth'),
  },
  _Service: allow,
  User: ownerOrAdmin((user: User) => user.id),
  UserConnection: allow,
  UserEdge: allow,
  PageInfo: allow,
};
