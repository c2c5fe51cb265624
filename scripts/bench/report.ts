/**
 * The benchmark's table and the performance targets, printed and written into docs/benchmarks.md
 * between the generated-section markers (the method and profile notes around them are kept).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PROCESSES, ROOT, SUBGRAPHS } from '../../test/support/platform';
import { BENCH_PLATFORM_ENV } from './seed';

export interface ArmSummary {
  throughput: number;
  p50: number;
  p99: number;
  wrong: number;
  requests: number;
  /** Median CPU milliseconds per successful operation, by process. */
  cpuMsPerOp: Record<string, number>;
  loadCpuMsPerOp: number;
  peakRss: Record<string, number>;
}

export interface Report {
  rounds: number;
  seconds: number;
  broker: string;
  arms: Record<string, ArmSummary>;
  idleRss: Record<string, number>;
  idleAfterRss: Record<string, number>;
}

const PLATFORM = PROCESSES;
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const sum = (record: Record<string, number>, keys: readonly string[]) => keys.reduce((n, k) => n + (record[k] ?? 0), 0);
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)}`;

/** A missing arm (a run with --only) gives NaN, shown as "-", never a false "met". */
const NONE: ArmSummary = { throughput: NaN, p50: NaN, p99: NaN, wrong: 0, requests: 0, cpuMsPerOp: {}, loadCpuMsPerOp: NaN, peakRss: {} };

function targets(r: Report) {
  const a = (name: string) => r.arms[name] ?? NONE;
  const cpu = (name: string, keys: readonly string[]) => (r.arms[name] ? sum(r.arms[name].cpuMsPerOp, keys) : NaN);
  const idle = sum(r.idleRss, PLATFORM);
  // [what, target ("≤ bound" or "≥ bound"), value]: a value meets its target when finite and within the bound.
  const rows: [string, string, number][] = [
    ['createBooking CPU per booking, all nine processes (ms)', '≤ 12', cpu('createBooking', PLATFORM)],
    ['createBooking throughput ÷ bare INSERT throughput', '≥ 0.05', a('createBooking').throughput / a('bare insert').throughput],
    ['30-item page: our throughput ÷ Hive Gateway’s', '≥ 1.5', a('page30 ours').throughput / a('page30 hive').throughput],
    ['30-item page: subgraph CPU per request (ms)', '≤ 12', cpu('page30 ours', SUBGRAPHS)],
    ['single-subgraph query: our throughput ÷ Hive Gateway’s', '≥ 1.0', a('workspaces ours').throughput / a('workspaces hive').throughput],
    ['single-subgraph query: our p50 ÷ the direct call’s', '≤ 1.5', a('workspaces ours').p50 / a('workspaces direct').p50],
    ['nine services idle, resident in total (MiB)', '≤ 1024', idle / 2 ** 20],
  ];
  return rows.map(([what, target, value]) => {
    const [op, bound] = target.split(' ');
    return { what, target, value, ok: Number.isFinite(value) && (op === '≤' ? value <= Number(bound) : value >= Number(bound)) };
  });
}

function render(r: Report): string {
  const lines: string[] = [];
  lines.push(
    `Run on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, NODE_ENV=${BENCH_PLATFORM_ENV.NODE_ENV}, broker: ${r.broker}; ${r.rounds} rounds of ${r.seconds} s per arm, medians.`,
  );
  lines.push(
    '',
    '| arm | ops/s | p50 ms | p99 ms | requests | wrong | CPU ms/op: subgraphs | gateway | hive | load generator |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const [name, a] of Object.entries(r.arms)) {
    lines.push(
      `| ${name} | ${f1(a.throughput)} | ${f1(a.p50)} | ${f1(a.p99)} | ${a.requests} | ${a.wrong} | ${f2(sum(a.cpuMsPerOp, SUBGRAPHS))} | ${f2(a.cpuMsPerOp.gateway)} | ${f2(a.cpuMsPerOp.hive)} | ${f2(a.loadCpuMsPerOp)} |`,
    );
  }
  const perProcess = ['createBooking', 'page30 ours', 'page30 hive', 'page100 ours', 'workspaces ours'];
  lines.push(
    '',
    `CPU ms per operation by process:`,
    '',
    `| process | ${perProcess.join(' | ')} | RSS idle MiB | RSS after load MiB | peak RSS MiB |`,
    `|---|${perProcess.map(() => '---|').join('')}---|---|---|`,
  );
  for (const p of [...PLATFORM, 'hive']) {
    const peak = Math.max(...Object.values(r.arms).map((a) => a.peakRss[p] ?? 0));
    lines.push(
      `| ${p} | ${perProcess.map((name) => f2(r.arms[name]?.cpuMsPerOp[p] ?? NaN)).join(' | ')} | ${mib(r.idleRss[p] ?? 0)} | ${mib(r.idleAfterRss[p] ?? 0)} | ${mib(peak)} |`,
    );
  }
  lines.push(
    `| **nine services** | ${perProcess.map((name) => f2(sum(r.arms[name]?.cpuMsPerOp ?? {}, PLATFORM))).join(' | ')} | ${mib(sum(r.idleRss, PLATFORM))} | ${mib(sum(r.idleAfterRss, PLATFORM))} | |`,
  );
  lines.push('', '| target | goal | measured | met |', '|---|---|---|---|');
  for (const t of targets(r)) lines.push(`| ${t.what} | ${t.target} | ${f2(t.value)} | ${t.ok ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** Prints nothing itself; returns the rendered section and, when asked, writes it into docs/benchmarks.md. */
export function writeReport(r: Report, write: boolean): string {
  const text = render(r);
  if (write) {
    const path = join(ROOT, 'docs/benchmarks.md');
    const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
    const [head, rest] = current.split(START);
    const tail = rest?.split(END)[1] ?? '\n';
    writeFileSync(path, `${head}${START}\n${text}\n${END}${tail}`);
  }
  return text;
}
