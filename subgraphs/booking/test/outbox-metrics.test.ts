/** The outbox backlog gauges, read from the database when Prometheus scrapes the booking subgraph. */
import { randomUUID } from 'node:crypto';
import { startBookingApp, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startBookingApp();
});
afterAll(() => h.close());

/** A gauge's value in the subgraph's /metrics text. */
async function gauge(name: string): Promise<number> {
  const text = await h.app.metrics.registry.metrics();
  const match = new RegExp(`^${name}\\{service="booking"\\} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`${name} not served`);
  return Number(match[1]);
}

it('shows how many events wait to be published and how long the oldest has waited', async () => {
  expect(await gauge('wsb_outbox_backlog_events')).toBe(0);
  expect(await gauge('wsb_outbox_oldest_unpublished_age_seconds')).toBe(0);
  // Two events waiting for a retry an hour away (so the relay leaves them), the older written 90 s ago, and one published.
  const insert = (createdAgoMs: number, published: boolean) =>
    h.sql(
      `insert into outbox_event (id, type, payload, attempts, next_attempt_at, created_at, published_at)
       values (?, 'booking.created', '{}', 1, ?, ?, ?)`,
      [randomUUID(), new Date(Date.now() + 3_600_000), new Date(Date.now() - createdAgoMs), published ? new Date() : null],
    );
  await insert(90_000, false);
  await insert(5_000, false);
  await insert(600_000, true);
  expect(await gauge('wsb_outbox_backlog_events')).toBe(2);
  const age = await gauge('wsb_outbox_oldest_unpublished_age_seconds');
  expect(age).toBeGreaterThanOrEqual(90);
  expect(age).toBeLessThan(120);
});
