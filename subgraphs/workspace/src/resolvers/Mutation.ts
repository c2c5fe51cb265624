import { NotFoundError, recordAdminAudit, requireUuid, validMoney } from '@wsb/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import { Workspace } from '../entities/workspace.entity';
import { validCapacity, validDescription, validName, validTimezone } from '../validation';

/** A hundred million minor units an hour: anything above is a typo, not a rate. */
const MAX_HOURLY_RATE = 100_000_000;

async function findWorkspace(ctx: Context, id: string): Promise<Workspace> {
  const workspace = await ctx.em.findOne(Workspace, { id: requireUuid(id, 'id') });
  if (!workspace) throw new NotFoundError('Workspace', id);
  return workspace;
}

export const Mutation: MutationResolvers = {
  async createWorkspace(_parent, { input }, ctx) {
    const rate = validMoney(input.hourlyRate, 'hourlyRate', MAX_HOURLY_RATE);
    const workspace = ctx.em.create(Workspace, {
      name: validName(input.name),
      description: validDescription(input.description),
      kind: input.kind,
      capacity: validCapacity(input.capacity),
      hourlyRateAmount: rate.amount,
      hourlyRateCurrency: rate.currency,
      timezone: validTimezone(input.timezone),
    });
    await ctx.em.flush();
    await recordAdminAudit(ctx, 'CREATE_WORKSPACE', `Workspace:${workspace.id}`);
    return workspace;
  },

  async updateWorkspace(_parent, { id, input }, ctx) {
    const workspace = await findWorkspace(ctx, id);
    if (input.name != null) workspace.name = validName(input.name);
    if (input.description !== undefined) workspace.description = validDescription(input.description);
    if (input.kind != null) workspace.kind = input.kind;
    if (input.capacity != null) workspace.capacity = validCapacity(input.capacity);
    if (input.hourlyRate != null) {
      const rate = validMoney(input.hourlyRate, 'hourlyRate', MAX_HOURLY_RATE);
      workspace.hourlyRateAmount = rate.amount;
      workspace.hourlyRateCurrency = rate.currency;
    }
    if (input.timezone != null) workspace.timezone = validTimezone(input.timezone);
    await ctx.em.flush();
    await recordAdminAudit(ctx, 'UPDATE_WORKSPACE', `Workspace:${workspace.id}`);
    return workspace;
  },

  async archiveWorkspace(_parent, { id }, ctx) {
    const workspace = await findWorkspace(ctx, id);
    workspace.active = false;
    await ctx.em.flush();
    await recordAdminAudit(ctx, 'ARCHIVE_WORKSPACE', `Workspace:${workspace.id}`);
    return workspace;
  },
};
