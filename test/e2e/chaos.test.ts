/**
 * Crash safety of every step: the chaos harness (scripts/chaos) against a platform of its own,
 * booking events through the machine's RabbitMQ. 20 clients book, cancel and replay through the
 * gateway while the booking, payment, notification, reporting, user and workspace subgraphs are
 * SIGKILLed at random and brought back by ./dev.sh; then every invariant is checked in the
 * subgraphs' databases against what the clients were told. `npm run chaos -- --minutes 10` runs
 * the same for longer.
 */
import { printReport } from '../../scripts/chaos/report';
import { chaosPlatformEnv, runChaos, type ChaosReport } from '../../scripts/chaos/harness';
import { startPlatform, type Platform } from '../support/platform';

// Platform start, 35 s of chaos (every target killed at least once, about ten kills), the drain and the settling, on a loaded machine: bounded, generous.
jest.setTimeout(600_000);

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform({ basePort: 13160, env: chaosPlatformEnv(AMQP_URL) });
});
afterAll(async () => {
  await platform?.stop();
});

it('keeps every invariant while subgraphs are SIGKILLed under 20 booking, cancelling and replaying clients', async () => {
  const report: ChaosReport = await runChaos(platform, { chaosMs: 35_000, clients: 20, maxDown: 3 });
  const lines: string[] = [];
  printReport(report, (line) => lines.push(line));
  console.log(lines.join('\n'));

  // The run did what it is for: kills, bookings, cancels and replays, and retried ambiguous answers.
  expect(Object.values(report.kills).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
  expect(report.replays['same booking'] ?? 0).toBeGreaterThan(0);
  expect(report.bookings.CONFIRMED ?? 0).toBeGreaterThan(0);
  expect(report.retries).toBeGreaterThan(0);
  // Each violated invariant with its offending rows, so a failure names the problem.
  expect(report.invariants.filter((r) => !r.ok)).toEqual([]);
  expect(report.invariants.length).toBeGreaterThanOrEqual(10);
});
