/**
 * npm run chaos [-- --minutes 10 --clients 20 --kill-every 4]
 *
 * Starts a platform of its own (`./dev.sh start all` on ports 17000-18050 plus WSB_E2E_PORT_OFFSET,
 * its own run dir, database names and broker prefix; RabbitMQ from AMQP_URL, else the machine's on
 * 127.0.0.1, `--no-broker` for the direct relay), runs the chaos harness against it, prints a summary
 * and exits non-zero when an invariant is violated.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform } from '../../test/support/platform';
import { chaosPlatformEnv, runChaos, type ChaosReport } from './harness';
import { printReport } from './report';
import { positiveArg } from '../cli';

async function main(): Promise<void> {
  const minutes = positiveArg('minutes', 1);
  const amqpUrl = process.argv.includes('--no-broker') ? undefined : process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
  const started = Date.now();
  const platform = await startPlatform({ basePort: 17000, env: chaosPlatformEnv(amqpUrl) });
  console.log(
    `platform started in ${((Date.now() - started) / 1000).toFixed(1)} s (${amqpUrl ? `RabbitMQ, prefix ${platform.amqpPrefix}` : 'direct relay'}, run dir ${platform.runDir})`,
  );
  let report: ChaosReport;
  try {
    report = await runChaos(platform, {
      chaosMs: minutes * 60_000,
      clients: positiveArg('clients', 20),
      killEveryMs: positiveArg('kill-every', 4) * 1000,
      log: (l) => console.log(l),
    });
  } catch (err) {
    await platform.stop();
    throw err;
  }
  if (!report.ok) {
    // The services' logs say why; the run dir goes away with the platform.
    const kept = join('/tmp', `wsb-chaos-logs-${Date.now()}`);
    cpSync(join(platform.runDir, 'logs'), kept, { recursive: true });
    console.log(`service logs kept in ${kept}`);
  }
  await platform.stop();
  printReport(report);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
