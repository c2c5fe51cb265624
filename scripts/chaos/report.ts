/** The summary a chaos run prints: what the clients did, what was killed, and each invariant. */
import type { ChaosReport } from './harness';

export function printReport(report: ChaosReport, print: (line: string) => void = console.log): void {
  const line = (label: string, value: unknown) => print(`${label.padEnd(14)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const s = report.seconds;
  line('time (s)', `set-up ${s.setup.toFixed(1)}, chaos ${s.chaos.toFixed(1)}, drain ${s.drain.toFixed(1)}, settle ${s.settle.toFixed(1)}`);
  line('bookings', report.bookings);
  line('cancels', report.cancels);
  line('replays', report.replays);
  line('kills', report.kills);
  line('restarts', report.restartFailures ? `${report.restartFailures} failed` : 'all ok');
  line('retries', `${report.retries} ${JSON.stringify(report.retryReasons)}`);
  for (const r of report.invariants) {
    print(`${r.ok ? '✓' : '✗'} ${r.name} (${r.checked} checked${r.ok ? '' : `, ${r.violations} violations`})`);
    for (const row of r.offending) print(`    ${JSON.stringify(row)}`);
  }
  print(report.ok ? 'chaos: every invariant holds' : 'chaos: INVARIANTS VIOLATED');
}
