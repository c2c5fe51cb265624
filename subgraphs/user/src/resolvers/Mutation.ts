import { BadUserInputError, NotFoundError, recordAdminAudit, requireUuid, validEmail, validName } from '@wsb/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import { User } from '../entities/user.entity';

async function findUser(ctx: Context, id: string): Promise<User> {
  const user = await ctx.em.findOne(User, { id });
  if (!user) throw new NotFoundError('User', id);
  return user;
}

/**
 * One statement so that concurrent or repeated calls for the same id (auth retrying its bootstrap
 * admin) never fail: a new id is inserted; an existing one takes the email and role auth holds
 * and keeps the name its owner may have changed since.
 */
const UPSERT_PROFILE = `
  insert into user_profile (id, email, name, role, created_at, updated_at) values (?, ?, ?, ?, ?, ?)
  on conflict (id) do update set email = excluded.email, role = excluded.role, updated_at = excluded.updated_at
  returning *`;

export const Mutation: MutationResolvers = {
  async updateMe(_parent, { input }, ctx) {
    const user = await findUser(ctx, ctx.user!.id);
    // A field left out (or null) stays as it is; name itself can never be null.
    if (input.name != null) user.name = validName(input.name);
    await ctx.em.flush();
    return user;
  },

  async setUserRole(_parent, { userId, role }, ctx) {
    const id = requireUuid(userId, 'userId').toLowerCase();
    // Refusing one's own role change means the last admin can never demote themself and lock everyone out.
    if (id === ctx.user?.id) throw new BadUserInputError('You cannot change your own role.', 'userId');
    const user = await findUser(ctx, id);
    user.role = role;
    await ctx.em.flush();
    await recordAdminAudit(ctx, 'SET_USER_ROLE', `User:${user.id}`);
    return user;
  },

  async _createUserProfile(_parent, { input }, { em }) {
    const now = new Date();
    const values = [requireUuid(input.id, 'id').toLowerCase(), validEmail(input.email), validName(input.name), input.role, now, now];
    const [row] = await em.execute<Record<string, unknown>[]>(UPSERT_PROFILE, values);
    return em.map(User, row);
  },
};
