import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { BadUserInputError, DependencyUnavailableError, EMAIL_MAX, normalizeEmail, UnauthenticatedError, validEmail, validName } from '@wsb/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { Credential } from '../entities/credential.entity';
import { LoginAttempt } from '../entities/login-attempt.entity';
import { hashPassword, upgradedHash, verifyPassword } from '../passwords';
import { createUserProfile, findProfile, type Profile } from '../profiles';
import { claimRefreshToken, findRefreshToken, isUsable, issueTokens, revokeFamily } from '../tokens';
import { validPassword } from '../validation';

const emailTaken = () => new BadUserInputError('An account with this email already exists.', 'email');
// One answer for a wrong password and an unknown email, so login does not tell who has an account.
const loginRefused = () => new UnauthenticatedError('Email or password is incorrect.');
const refreshRefused = () => new UnauthenticatedError('The refresh token is invalid or has expired.');

export const Mutation: MutationResolvers = {
  async register(_parent, { input }, ctx) {
    const email = validEmail(input.email);
    const password = validPassword(input.password);
    const name = validName(input.name);
    if (await ctx.em.count(Credential, { email })) throw emailTaken();
    const passwordHash = await hashPassword(password);
    let profile: Profile;
    try {
      profile = await ctx.em.transactional(async (em) => {
        const credential = em.create(Credential, { email, passwordHash });
        await em.flush();
        // Inside the transaction: when the profile cannot be made the credential rolls back with
        // it, so no account is left that can sign in but has no profile.
        return createUserProfile(ctx.subgraphs, { id: credential.id, email, name, role: 'MEMBER' });
      });
    } catch (err) {
      // The loser of two registrations racing for one email gets the same answer as the check above.
      if (err instanceof UniqueConstraintViolationException) throw emailTaken();
      throw err;
    }
    return issueTokens(ctx.em, ctx.config, profile);
  },

  async login(_parent, { input }, ctx) {
    const email = normalizeEmail(input.email);
    const credential = await ctx.em.findOne(Credential, { email });
    const succeeded = await verifyPassword(credential?.passwordHash, input.password);
    // A hash from before the current parameters is replaced while the password is at hand.
    const upgraded = credential && succeeded ? await upgradedHash(credential.passwordHash, input.password) : undefined;
    if (credential && upgraded) credential.passwordHash = upgraded;
    ctx.em.create(LoginAttempt, { email: email.slice(0, EMAIL_MAX), succeeded });
    await ctx.em.flush();
    if (!credential || !succeeded) throw loginRefused();
    // The role may have changed since the last sign-in; the token carries the current one.
    const profile = await findProfile(ctx.subgraphs, credential.id);
    if (!profile) throw new DependencyUnavailableError('user', 'Your profile is not available yet; please try again shortly.');
    return issueTokens(ctx.em, ctx.config, profile);
  },

  async refreshToken(_parent, { refreshToken }, ctx) {
    // One transaction: if the profile cannot be read, the claim rolls back and the client may
    // retry with the same token instead of being taken for a thief.
    const payload = await ctx.em.transactional(async (em) => {
      const claimed = await claimRefreshToken(em, refreshToken);
      if (!claimed) return null;
      const profile = await findProfile(ctx.subgraphs, claimed.userId);
      if (!profile) throw refreshRefused();
      return issueTokens(em, ctx.config, profile, claimed.familyId);
    });
    if (payload) return payload;
    const presented = await findRefreshToken(ctx.em, refreshToken);
    if (presented?.usedAt) {
      // A token that was already exchanged is being replayed: whoever holds the family may have
      // stolen it, so every token of that sign-in stops working and the user signs in again.
      const revoked = await revokeFamily(ctx.em, presented.familyId);
      ctx.log.warn('refresh token reused; family revoked', { userId: presented.userId, familyId: presented.familyId, revoked });
    }
    throw refreshRefused();
  },

  async logout(_parent, { refreshToken }, ctx) {
    const presented = await findRefreshToken(ctx.em, refreshToken);
    if (!presented || presented.revokedAt) return false;
    // A used token still takes its family down (it may be a replay), but only a usable one counts
    // as signing out.
    const usable = isUsable(presented);
    const revoked = await revokeFamily(ctx.em, presented.familyId);
    return usable && revoked > 0;
  },
};
