/**
 * The numbers behind BookingReport, computed in SQL over the activity log. The root field only
 * validates the range; each figure is queried when a client selects it, and the counts and
 * revenue (one query) are shared by the three fields that need them.
 */
import { BadUserInputError } from '@wsb/kernel';
import type { EntityManager } from '@mikro-orm/postgresql';

const MAX_RANGE_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ReportTotals {
  bookingsCreated: number;
  bookingsCancelled: number;
  /** Minor units of the platform currency. */
  revenue: number;
}

export interface OccupancyRow {
  workspaceId: string;
  bookedHours: number;
  occupancyRate: number;
}

export class ReportRange {
  private totalsPromise?: Promise<ReportTotals>;

  constructor(
    private readonly em: EntityManager,
    readonly from: Date,
    readonly to: Date,
    readonly currency: string,
  ) {
    if (from.getTime() >= to.getTime()) throw new BadUserInputError('from must be before to.', 'from');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw new BadUserInputError(`The range must be at most ${MAX_RANGE_DAYS} days.`, 'to');
    }
  }

  totals(): Promise<ReportTotals> {
    return (this.totalsPromise ??= this.queryTotals());
  }

  /**
   * Events with `at` in [from, to). Revenue is what was booked in the range minus what was
   * refunded in it (a cancellation refunds the booking's full price, whenever it was booked).
   * Only the platform currency counts: there is no exchange-rate source to convert others, and
   * adding cents of different currencies would be wrong, so other currencies are left out.
   */
  private async queryTotals(): Promise<ReportTotals> {
    const [row] = await this.em.getConnection().execute<{ created: number; cancelled: number; revenue: string }[]>(
      `select
         count(*) filter (where kind = 'BOOKING_CREATED')::int as created,
         count(*) filter (where kind = 'BOOKING_CANCELLED')::int as cancelled,
         (coalesce(sum(amount) filter (where kind = 'BOOKING_CREATED' and currency = ?), 0)
          - coalesce(sum(amount) filter (where kind = 'BOOKING_CANCELLED' and currency = ?), 0))::bigint as revenue
       from activity
       where at >= ? and at < ?`,
      [this.currency, this.currency, this.from, this.to],
    );
    return { bookingsCreated: row.created, bookingsCancelled: row.cancelled, revenue: Number(row.revenue) };
  }

  /**
   * Per workspace: hours of its live bookings (created, never cancelled) that fall inside the
   * range, each booking clipped to [from, to), and that as a share of the range's hours.
   * One query; the booking subgraph guarantees live bookings of a workspace never overlap,
   * so the sum never counts an hour twice.
   */
  async occupancy(): Promise<OccupancyRow[]> {
    const rows = await this.em.getConnection().execute<{ workspace_id: string; booked_seconds: string; occupancy_rate: string }[]>(
      `with range as (select cast(? as timestamptz) as f, cast(? as timestamptz) as t)
       select b.workspace_id,
              sum(extract(epoch from least(b.ends_at, range.t) - greatest(b.starts_at, range.f))) as booked_seconds,
              round(sum(extract(epoch from least(b.ends_at, range.t) - greatest(b.starts_at, range.f)))
                    / extract(epoch from range.t - range.f), 4) as occupancy_rate
       from activity b, range
       where b.kind = 'BOOKING_CREATED'
         and b.starts_at < range.t and b.ends_at > range.f
         and not exists (
           select 1 from activity c where c.booking_id = b.booking_id and c.kind = 'BOOKING_CANCELLED')
       group by b.workspace_id, range.t, range.f
       order by booked_seconds desc, b.workspace_id`,
      [this.from, this.to],
    );
    return rows.map((row) => ({
      workspaceId: row.workspace_id,
      bookedHours: Number(row.booked_seconds) / 3600,
      occupancyRate: Number(row.occupancy_rate),
    }));
  }
}
