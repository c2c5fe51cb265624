/**
 * Workspace.isAvailable, batched: a list of workspaces asking about one range is one query.
 * The same half-open overlap test as the exclusion constraint (and the same partial predicate,
 * so PostgreSQL can answer it from that constraint's GiST index).
 */
import DataLoader from 'dataloader';
import { isUuid } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface AvailabilityQuery {
  workspaceId: string;
  startsAt: Date;
  endsAt: Date;
}

const BUSY_SQL = `
  select q.i
  from jsonb_to_recordset(?::jsonb) as q(i int, workspace_id uuid, starts_at timestamptz, ends_at timestamptz)
  where exists (
    select 1 from booking b
    where b.workspace_id = q.workspace_id
      and b.status <> 'CANCELLED'
      and tstzrange(b.starts_at, b.ends_at, '[)') && tstzrange(q.starts_at, q.ends_at, '[)')
  )`;

export function availabilityLoader(em: EntityManager): DataLoader<AvailabilityQuery, boolean, string> {
  return new DataLoader(
    async (queries) => {
      // A malformed id names no workspace, so nothing is booked there; it must not reach the uuid cast.
      const rows = queries.flatMap((q, i) =>
        isUuid(q.workspaceId) ? [{ i, workspace_id: q.workspaceId, starts_at: q.startsAt.toISOString(), ends_at: q.endsAt.toISOString() }] : [],
      );
      if (!rows.length) return queries.map(() => true);
      // One JSON parameter instead of arrays: the query builder would expand array bindings.
      const busy = await em.getConnection().execute<{ i: number }[]>(BUSY_SQL, [JSON.stringify(rows)]);
      const taken = new Set(busy.map((row) => row.i));
      return queries.map((_, i) => !taken.has(i));
    },
    { cacheKeyFn: (q) => `${q.workspaceId}|${q.startsAt.toISOString()}|${q.endsAt.toISOString()}` },
  );
}
