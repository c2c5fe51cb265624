/**
 * npm run bench [-- --rounds 3 --seconds 8 --no-write --only 'page30 ours,createBooking' --broker --tracing]
 *
 * --tracing: the platform runs with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT) at the default sampling
 * (OTEL_TRACES_SAMPLER=parentbased_always_on in the environment: every span), exporting over
 * OTLP/HTTP (protobuf, as to a real collector) to a sink in this process that discards them, so the
 * CPU per operation includes what tracing costs; `npm run bench:tracing` compares off, default and
 * every span in one run. BENCH_BASE_PORT moves the ports (default 15000).
 *
 * Starts a platform of its own from the build (`./dev.sh start all` on ports 15000-16000, with its
 * own run dir, database names and broker prefix; PostgreSQL/Redis from DATABASE_URL and REDIS_URL
 * when set, else the embedded database; RabbitMQ only with --broker), plus Hive Gateway on
 * the same subgraphs. Seeds its own data, runs the arms interleaved over several rounds, checks
 * every answer, and prints medians, CPU per process per operation (from /proc), RSS, and the
 * ratios the performance issue sets. Writes docs/benchmarks.md unless --no-write.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { startOtlpReceiver } from '../../test/support/otlp-receiver';
import { PROCESSES, startPlatform, ROOT, type Platform } from '../../test/support/platform';
import { bareInsertArm, BARE_TABLE, createBookingArm, drained, pageArm, workspacesArm } from './arms';
import type { LoadResult } from './load';
import { usageOf, cpuBetween, selfCpuSeconds, type Usage } from './proc';
import { writeReport, type ArmSummary, type Report } from './report';
import { BENCH_PLATFORM_ENV, PAGE_BOOKINGS, seed } from './seed';
import { parseServiceKeys } from '../../packages/kernel/src/config';
import { signServiceToken } from '../../packages/kernel/src/identity';
import { arg } from '../cli';

const BASE_PORT = Number(process.env.BENCH_BASE_PORT || 15000);
const HIVE_PORT = BASE_PORT + 1002; // the gateway is BASE_PORT + 1000, its metrics BASE_PORT + 1050

const ROUNDS = Number(arg('rounds') ?? 3);
const SECONDS = Number(arg('seconds') ?? 8);
const WRITE = !process.argv.includes('--no-write');
const TRACING = process.argv.includes('--tracing');
/** --only 'page30 ours,createBooking' runs just those arms (for profiling one path). */
const ONLY = arg('only')?.split(',');
/**
 * --broker: booking events go through RabbitMQ (AMQP_URL, else the local guest broker), as in CI and
 * production, on exchange and queues of the run's own (AMQP_PREFIX). Without it: no broker, the
 * outbox relay delivers events to notification and reporting directly.
 */
const BROKER = process.argv.includes('--broker');
const BROKER_ENV: Record<string, string> = BROKER
  ? { AMQP_URL: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672', AMQP_PREFIX: `wsb_bench_${randomBytes(3).toString('hex')}` }
  : { AMQP_URL: '' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startHive(platform: Platform): Promise<ChildProcess> {
  const child = spawn(`${ROOT}/node_modules/.bin/tsx`, ['scripts/bench/hive-gateway.ts', String(HIVE_PORT)], {
    cwd: ROOT,
    env: { ...platform.env, SUPERGRAPH_PATH: `${ROOT}/schema/supergraph.graphql`, NODE_ENV: 'production' },
    detached: true, // its own process group, measured like the platform's services
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${HIVE_PORT}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (res.ok) return child;
    } catch {
      /* not listening yet */
    }
    await sleep(500);
  }
  if (child.pid) killGroup(child.pid); // nothing of it may keep the port
  throw new Error('Hive Gateway did not start');
}

/** SIGKILL to a process group that may already be gone (then nothing to do). */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

interface Sample {
  result: LoadResult;
  cpu: Record<string, number>;
  loadCpu: number;
  peakRss: Record<string, number>;
}

async function main() {
  const keys = `bench:${randomBytes(32).toString('hex')}`;
  const sink = TRACING ? await startOtlpReceiver({ keep: false }) : undefined;
  const platform = await startPlatform({
    basePort: BASE_PORT,
    env: {
      ...BENCH_PLATFORM_ENV,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SERVICE_JWT_KEYS: keys,
      LOG_LEVEL: 'warn',
      ...BROKER_ENV,
      ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' } : {}),
    },
  });
  if (sink) console.log(`tracing on: spans exported to a discarding OTLP sink at ${sink.url}`);
  let hive: ChildProcess | undefined;
  const bareDb = new Pool({ connectionString: platform.serverUrl, max: 20 });
  try {
    const groups: Record<string, number> = {};
    for (const s of PROCESSES) groups[s] = platform.pidOf(s)!;
    await sleep(3000);
    const idleRss = mapValues(usageOf(groups), (u) => u.rssBytes);

    // Hive Gateway only when a hive arm runs (--only createBooking needs none).
    if (!ONLY || ONLY.some((name) => name.endsWith(' hive'))) {
      hive = await startHive(platform);
      groups.hive = hive.pid!;
    }
    console.log('seeding ...');
    const pages = !ONLY || ONLY.some((name) => name.startsWith('page'));
    const data = await seed(platform.gatewayUrl, pages);
    const seeded = pages ? data.readers.length * PAGE_BOOKINGS : 0;
    await drained(platform, seeded); // the seed's own events stay out of the first arm
    await bareDb.query(BARE_TABLE);
    // The direct arm calls the workspace subgraph as the gateway would: a service token, renewed in time.
    const serviceKeys = parseServiceKeys(keys, []);
    const sign = () => signServiceToken({ caller: 'gateway', clientIp: '127.0.0.1' }, serviceKeys);
    const serviceToken = { value: await sign() };
    const direct = () => ({ authorization: `Bearer ${serviceToken.value}` });
    setInterval(async () => (serviceToken.value = await sign()), 20_000).unref();

    const created: string[] = [];
    const ms = SECONDS * 1000;
    const hiveUrl = `http://127.0.0.1:${HIVE_PORT}`;
    const arms: Record<string, () => Promise<LoadResult>> = {
      'page30 ours': () => pageArm(platform.gatewayUrl, data.readers, 30, ms),
      'page30 hive': () => pageArm(hiveUrl, data.readers, 30, ms),
      'page100 ours': () => pageArm(platform.gatewayUrl, data.readers, 100, ms),
      'page100 hive': () => pageArm(hiveUrl, data.readers, 100, ms),
      'workspaces ours': () => workspacesArm(platform.gatewayUrl, () => ({}), ms),
      'workspaces hive': () => workspacesArm(hiveUrl, () => ({}), ms),
      'workspaces direct': () => workspacesArm(platform.serviceUrl('workspace'), direct, ms),
      createBooking: async () => {
        const result = await createBookingArm(platform.gatewayUrl, data.bookers, ms, created);
        await drained(platform, created.length + seeded);
        return result;
      },
      'bare insert': () => bareInsertArm(bareDb, 20, ms),
    };

    if (ONLY) for (const name of Object.keys(arms)) if (!ONLY.includes(name)) delete arms[name];
    console.log('warming up ...');
    for (const run of Object.values(arms)) await run();
    const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(arms).map((k) => [k, []]));
    const names = Object.keys(arms);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round, so no arm always runs on a machine warmed by the same neighbour.
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        const before = usageOf(groups);
        const loadBefore = selfCpuSeconds();
        const peakRss: Record<string, number> = {};
        const sampler = setInterval(() => {
          for (const [g, u] of Object.entries(usageOf(groups))) peakRss[g] = Math.max(peakRss[g] ?? 0, u.rssBytes);
        }, 500);
        const result = await arms[name]();
        clearInterval(sampler);
        const cpu = cpuBetween(before, usageOf(groups));
        samples[name].push({ result, cpu, loadCpu: selfCpuSeconds() - loadBefore, peakRss });
        const rps = (result.ok / result.elapsedMs) * 1000;
        console.log(`round ${round + 1} ${name.padEnd(18)} ${rps.toFixed(1).padStart(8)}/s  wrong ${result.wrong.length}`);
        if (result.wrong.length) console.log(`  first wrong answer: ${result.wrong[0]}`);
      }
    }
    await sleep(3000);
    const idleAfterRss = mapValues(usageOf(groups), (u: Usage) => u.rssBytes);

    const summaries: Record<string, ArmSummary> = mapValues(samples, (list) => summarise(list));
    const report: Report = {
      rounds: ROUNDS,
      seconds: SECONDS,
      broker: platform.env.AMQP_URL ? 'RabbitMQ' : 'none (direct outbox delivery)',
      arms: summaries,
      idleRss,
      idleAfterRss,
    };
    const text = writeReport(report, WRITE);
    console.log(text);
    const wrong = Object.values(samples)
      .flat()
      .reduce((n, s) => n + s.result.wrong.length, 0);
    if (wrong) {
      console.error(`${wrong} wrong answers: the benchmark failed`);
      process.exitCode = 1;
    }
  } finally {
    if (hive?.pid) killGroup(hive.pid);
    await bareDb.end();
    await platform.stop();
    if (sink) {
      console.log(`tracing: ${sink.requests} OTLP export requests received`);
      await sink.close();
    }
  }
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function summarise(list: Sample[]): ArmSummary {
  const ops = list.map((s) => s.result.ok);
  const processes = Object.keys(list[0].cpu);
  return {
    throughput: median(list.map((s) => (s.result.ok / s.result.elapsedMs) * 1000)),
    p50: median(list.map((s) => pct(s.result.latenciesMs, 50))),
    p99: median(list.map((s) => pct(s.result.latenciesMs, 99))),
    wrong: list.reduce((n, s) => n + s.result.wrong.length, 0),
    requests: ops.reduce((a, b) => a + b, 0),
    cpuMsPerOp: Object.fromEntries(processes.map((p) => [p, median(list.map((s) => (s.cpu[p] * 1000) / Math.max(1, s.result.ok)))])),
    loadCpuMsPerOp: median(list.map((s) => (s.loadCpu * 1000) / Math.max(1, s.result.ok))),
    peakRss: Object.fromEntries(processes.map((p) => [p, Math.max(...list.map((s) => s.peakRss[p] ?? 0))])),
  };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
