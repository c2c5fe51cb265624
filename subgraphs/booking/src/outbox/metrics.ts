/**
 * The outbox's backlog for Prometheus, read when it scrapes (one aggregate over the unpublished
 * rows, which the partial index on published_at is null keeps to the backlog itself): how many
 * events wait to be delivered, and how long the oldest has waited. A growing age means delivery
 * is stuck (broker or consumer down), whatever the relay's logs say.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { gaugesOnScrape, type Logger, type Metrics } from '@wsb/kernel';

export function observeOutbox(orm: MikroORM, metrics: Metrics, log: Logger): void {
  gaugesOnScrape(
    metrics,
    {
      backlog: { name: 'wsb_outbox_backlog_events', help: 'Outbox events not yet published (due, waiting for a retry or being delivered).' },
      oldestAge: { name: 'wsb_outbox_oldest_unpublished_age_seconds', help: 'Age of the oldest unpublished outbox event (0 when none).' },
    },
    async () => {
      const [row] = await orm.em
        .getConnection()
        .execute<{ backlog: number; oldest: Date | null }[]>(
          'select count(*)::int as backlog, min(created_at) as oldest from outbox_event where published_at is null',
        );
      const oldest = row?.oldest ? new Date(row.oldest).getTime() : undefined;
      return { backlog: row?.backlog ?? 0, oldestAge: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000) };
    },
    log,
  );
}
