/**
 * npm run bench:tracing [-- --rounds 3 --seconds 10 --warmup 1 --together --clients 20 --rate 15 --broker --variants bare,quiet,sdk,logs,unsampled,default,every --save run.json]
 *
 * What observability costs per booking, in one run: platforms side by side, the same build, each
 * with its own ports (BENCH_BASE_PORT, +10, +20, ...; gateways at +1000, +1010, ...), databases and
 * data, differing only in tracing, logging and metrics:
 *  - bare: none of the three: tracing off, LOG_LEVEL=warn and METRICS_ENABLED=false;
 *  - quiet: metrics on (as in every variant below), tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT) and LOG_LEVEL=warn, so no line per request;
 *  - sdk: quiet, and an endpoint with OTEL_TRACES_SAMPLER_ARG=0 (the SDK loaded, no request traced, no request lines);
 *  - logs: tracing off, LOG_LEVEL=info (the default: a line per request, to the service's log file);
 *  - unsampled: logs, and an endpoint with OTEL_TRACES_SAMPLER_ARG=0 (the SDK loaded, no request traced);
 *  - default: logs, and an endpoint with no OTEL_TRACES_SAMPLER (parent-based, 10 % of roots);
 *  - every: logs, and OTEL_TRACES_SAMPLER=parentbased_always_on (every request traced).
 * --variants picks which (default bare,quiet,logs,default; the first is the one the others are divided by).
 * With bare first and default among them, the report ends with the issue's target: tracing, logs and
 * metrics at their defaults (logs + 10% traced) add at most 10 % CPU per booking to none of them.
 * A variant may be named twice (quiet,logs,default,quiet): the second platform, identical to the
 * first, shows how far two runs of the same thing differ on this machine (the noise floor). The
 * report's last line pools every bare and every default platform per round and gives their ratio
 * with a 95 % interval over the rounds: the target is met beyond the run's noise only when the
 * interval's top is at most ×1.10 (e.g. --variants bare,default,bare,default --rounds 12).
 * Spans go over OTLP/HTTP (protobuf, as to a real collector) to a sink in this process that
 * discards them. The createBooking arm (20 clients, no traceparent from them: the gateway decides)
 * runs against each in turn, the order rotated each round, and the CPU of the nine processes of
 * the platform under load is divided by the bookings it completed (the saga's events delivered
 * included, as in `npm run bench`). Prints medians per variant and their ratio to the first. The idle
 * platforms' own CPU is not counted; on a shared machine, use several rounds. Every subgraph's
 * pool is capped at DB_POOL_MAX=4 connections, so three or four platforms fit in PostgreSQL's
 * 100 connections together with no pause between arms (each arm waits 5 s for the last one's
 * stragglers). WSB_PROFILE=<dir> profiles every process (dev.sh's `--cpu-prof`), one folder per
 * platform; `node scripts/bench/profile-diff.cjs` compares two of them per booking.
 *
 * --rate R paces each platform at R bookings a second (its clients wait for their turn) instead of
 * as many as it can take. Saturated, a slower variant completes fewer bookings a second, so each
 * relay round (and each batch notification and reporting record) carries fewer events, and the
 * per-round work is shared by fewer bookings: its CPU per booking grows from that alone, and the
 * platforms also compete for the two cores. Paced at a rate every variant keeps up with, each
 * serves the same bookings at the same pace, and the difference is the work each one adds.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { startOtlpReceiver, type OtlpReceiver } from '../../test/support/otlp-receiver';
import { startPlatform, SUBGRAPHS, type Platform } from '../../test/support/platform';
import { createBookingArm, drained } from './arms';
import { arg, positiveArg } from '../cli';
import { median } from './load';
import { cpuBetween, usageOf } from './proc';
import { BENCH_PLATFORM_ENV, seed, type Member } from './seed';
import { describeInterval, pairedInterval, verdict, type SavedPlatform } from './interval';

const BASE_PORT = Number(process.env.BENCH_BASE_PORT || 15000);

const ROUNDS = Number(arg('rounds') ?? 3);
const SECONDS = Number(arg('seconds') ?? 10);
const BROKER = process.argv.includes('--broker');
/**
 * --together: each round loads every platform at once instead of one after the other, so a change
 * in the machine's speed (on a VM, time stolen by its host is charged to the processes running)
 * falls on all variants alike; their ratio within a round is what to read.
 */
const TOGETHER = process.argv.includes('--together');
/** Clients booking at once on each platform (at most the 20 seeded bookers); with --together, on each of them at once. */
const CLIENTS = Math.min(20, Number(arg('clients') ?? 20));
/** Unmeasured arms per variant before the rounds (JIT, pools, caches). */
const WARMUP = Number(arg('warmup') ?? 1);
/** --rate: bookings a second each platform is offered (paced); unset, as many as its clients can make. */
const RATE = process.argv.includes('--rate') ? positiveArg('rate', 1) : undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Variant {
  /** Its name in --variants (bare, quiet, ...). */
  kind: string;
  label: string;
  logLevel: 'warn' | 'info';
  /** METRICS_ENABLED=false when set. */
  noMetrics?: boolean;
  /** OTEL_* settings; undefined: tracing off. */
  sampler?: Record<string, string>;
  sink?: OtlpReceiver;
  platform?: Platform;
  groups: Record<string, number>;
  bookers: Member[];
  created: string[];
  /** Per round: nine services' CPU ms per booking, by process, and bookings per second. */
  rounds: { cpu: Record<string, number>; cpuSeconds: number; bookings: number; perSecond: number; wrong: number }[];
}

const KINDS: Record<string, Pick<Variant, 'label' | 'logLevel' | 'sampler' | 'noMetrics'>> = {
  /** No tracing, no request lines, no metrics: what the platform costs with none of the three. */
  bare: { label: 'none', logLevel: 'warn', noMetrics: true },
  quiet: { label: 'quiet', logLevel: 'warn' },
  /** The SDK loaded, nothing traced, no request lines: what the SDK costs apart from the logs. */
  sdk: { label: 'quiet + 0% traced', logLevel: 'warn', sampler: { OTEL_TRACES_SAMPLER_ARG: '0' } },
  logs: { label: 'logs', logLevel: 'info' },
  /** The SDK loaded and every request decided, none traced: what tracing costs before any span. */
  unsampled: { label: 'logs + 0% traced', logLevel: 'info', sampler: { OTEL_TRACES_SAMPLER_ARG: '0' } },
  default: { label: 'logs + 10% traced', logLevel: 'info', sampler: {} },
  every: { label: 'logs + all traced', logLevel: 'info', sampler: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } },
};
const chosen = (arg('variants') ?? 'bare,quiet,logs,default').split(',');
const unknown = chosen.filter((k) => !KINDS[k]);
if (unknown.length) throw new Error(`unknown variant ${unknown.join(', ')}: choose from ${Object.keys(KINDS).join(', ')}`);
const VARIANTS: Variant[] = chosen.map((k, i) => {
  const again = chosen.slice(0, i).filter((c) => c === k).length;
  const kind = KINDS[k];
  return { ...kind, kind: k, label: again ? `${kind.label} (again)` : kind.label, groups: {}, bookers: [], created: [], rounds: [] };
});

/** Bookings a variant completed in the measured rounds (warm-up excluded). */
const measuredBookings = (variant: Variant) => variant.rounds.reduce((a, r) => a + r.bookings, 0);
const profileFolder = (variant: Variant, index: number) => `${index + 1}-${variant.label.replace(/\W+/g, '-')}`;

async function start(variant: Variant, index: number): Promise<void> {
  variant.sink = variant.sampler ? await startOtlpReceiver({ keep: false }) : undefined;
  const broker: Record<string, string> = BROKER
    ? { AMQP_URL: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672', AMQP_PREFIX: `wsb_bench_${randomBytes(3).toString('hex')}` }
    : { AMQP_URL: '' };
  const clean = Object.keys(process.env).filter((name) => name.startsWith('OTEL_'));
  for (const name of clean) delete process.env[name]; // the variants alone say how tracing runs
  variant.platform = await startPlatform({
    basePort: BASE_PORT + 10 * index,
    env: {
      ...BENCH_PLATFORM_ENV,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SERVICE_JWT_KEYS: `bench:${randomBytes(32).toString('hex')}`,
      LOG_LEVEL: variant.logLevel,
      METRICS_ENABLED: variant.noMetrics ? 'false' : 'true',
      DB_POOL_MAX: '4',
      ...broker,
      // WSB_PROFILE=<dir>: each platform's CPU profiles in a folder of their own, <dir>/<n>-<variant>.
      ...(process.env.WSB_PROFILE ? { WSB_PROFILE: `${process.env.WSB_PROFILE}/${profileFolder(variant, index)}` } : {}),
      ...(variant.sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: variant.sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', ...variant.sampler } : {}),
    },
  });
  for (const s of SUBGRAPHS) variant.groups[s] = variant.platform.pidOf(s)!;
  variant.groups.gateway = variant.platform.pidOf('gateway')!;
  variant.bookers = (await seed(variant.platform.gatewayUrl, false)).bookers;
  await drained(variant.platform, 0);
}

/** Between arms: the platform loaded last finishes what it had in flight. */
const SETTLE_MS = 5_000;

async function arm(variant: Variant) {
  const platform = variant.platform!;
  const before = usageOf(variant.groups);
  const result = await createBookingArm(platform.gatewayUrl, variant.bookers.slice(0, CLIENTS), SECONDS * 1000, variant.created, RATE);
  await drained(platform, variant.created.length);
  const cpu = cpuBetween(before, usageOf(variant.groups));
  return {
    result,
    cpuSeconds: Object.values(cpu).reduce((a, b) => a + b, 0),
    cpuMs: Object.fromEntries(Object.entries(cpu).map(([name, s]) => [name, (s * 1000) / Math.max(1, result.ok)])),
  };
}

async function main() {
  try {
    for (const [i, variant] of VARIANTS.entries()) {
      console.log(`starting the platform ${variant.label} ...`);
      await start(variant, i);
    }
    console.log('warming up ...');
    for (let w = 0; w < WARMUP; w++) {
      await sleep(SETTLE_MS);
      if (TOGETHER) await Promise.all(VARIANTS.map(arm));
      else for (const variant of VARIANTS) await arm(variant).then(() => sleep(SETTLE_MS));
    }
    /** The measured rounds' span on the monotonic clock V8's profiles use (µs), for profile-diff.cjs. */
    const from = Number(process.hrtime.bigint() / 1000n);
    for (let round = 0; round < ROUNDS; round++) {
      const order = VARIANTS.map((_, k) => VARIANTS[(k + round) % VARIANTS.length]);
      const measure = async (variant: Variant) => {
        const { result, cpuMs, cpuSeconds } = await arm(variant);
        const total = Object.values(cpuMs).reduce((a, b) => a + b, 0);
        const perSecond = (result.ok / result.elapsedMs) * 1000;
        variant.rounds.push({ cpu: { ...cpuMs, total }, cpuSeconds, bookings: result.ok, perSecond, wrong: result.wrong.length });
        console.log(
          `round ${round + 1} ${variant.label.padEnd(18)} ${perSecond.toFixed(1).padStart(6)}/s  ${total.toFixed(2).padStart(7)} CPU ms/booking  wrong ${result.wrong.length}`,
        );
        if (result.wrong.length) console.log(`  first wrong answer: ${result.wrong[0]}`);
      };
      if (TOGETHER) {
        await sleep(SETTLE_MS);
        await Promise.all(order.map(measure));
      } else {
        for (const variant of order) {
          await sleep(SETTLE_MS);
          await measure(variant);
        }
      }
    }
    if (process.env.WSB_PROFILE) {
      const to = Number(process.hrtime.bigint() / 1000n);
      const window = {
        from,
        to,
        variants: VARIANTS.map((v, i) => ({ folder: profileFolder(v, i), label: v.label, bookings: measuredBookings(v) })),
      };
      writeFileSync(`${process.env.WSB_PROFILE}/window.json`, JSON.stringify(window, null, 2));
    }
    console.log(report());
    // --save <file>: each platform's measured rounds, for scripts/bench/pool-runs.ts to pool with other runs'.
    const save = arg('save');
    if (save) {
      const saved: SavedPlatform[] = VARIANTS.map((v) => ({
        kind: v.kind,
        label: v.label,
        rounds: v.rounds.map(({ cpuSeconds, bookings }) => ({ cpuSeconds, bookings })),
      }));
      writeFileSync(save, JSON.stringify({ rate: RATE ?? null, seconds: SECONDS, together: TOGETHER, platforms: saved }, null, 2));
      console.log(`rounds saved to ${save}`);
    }
    if (VARIANTS.some((v) => v.rounds.some((r) => r.wrong))) {
      console.error('wrong answers: the benchmark failed');
      process.exitCode = 1;
    }
  } finally {
    for (const variant of VARIANTS) {
      await variant.platform?.stop();
      if (variant.sink) console.log(`${variant.label}: ${variant.sink.requests} OTLP export requests received`);
      await variant.sink?.close();
    }
  }
}

/** The observability issue's limit: tracing, logs and metrics add at most this share of CPU per booking. */
const TARGET = 1.1;

function report(): string {
  const processes = [...SUBGRAPHS, 'gateway', 'total'];
  const med = (v: Variant, p: string) => median(v.rounds.map((r) => r.cpu[p]));
  const base = VARIANTS[0];
  const pooled = (v: Variant) => v.rounds.reduce((a, r) => a + r.cpuSeconds, 0) / measuredBookings(v);
  /** A variant against the first: ratio of medians, median of the ratios paired by round, ratio of the whole run's CPU per booking. */
  const ratios = (v: Variant) => [
    med(v, 'total') / med(base, 'total'),
    median(v.rounds.map((r, i) => r.cpu.total / base.rounds[i].cpu.total)),
    pooled(v) / pooled(base),
  ];
  const lines = [
    `${ROUNDS} rounds of ${SECONDS} s per variant (${TOGETHER ? 'all variants loaded at once' : 'one variant at a time'}, ${CLIENTS} clients each${RATE ? `, paced at ${RATE} bookings/s` : ''}), medians; broker: ${BROKER ? 'RabbitMQ' : 'none (direct outbox delivery)'}.`,
    '',
    `| CPU ms per booking | ${VARIANTS.map((v) => v.label).join(' | ')} |`,
    `|---|${VARIANTS.map(() => '---').join('|')}|`,
    ...processes.map(
      (p) =>
        `| ${p === 'total' ? '**nine services**' : p} | ${VARIANTS.map((v) => (p === 'total' ? `**${med(v, p).toFixed(2)}**` : med(v, p).toFixed(2))).join(' | ')} |`,
    ),
    `| ÷ ${base.label} | ${VARIANTS.map((v) => ratios(v)[0]!.toFixed(3)).join(' | ')} |`,
    `| ÷ ${base.label}, paired by round (median) | ${VARIANTS.map((v) => ratios(v)[1]!.toFixed(3)).join(' | ')} |`,
    `| ÷ ${base.label}, all rounds together (CPU ÷ bookings of the whole run) | ${VARIANTS.map((v) => ratios(v)[2]!.toFixed(3)).join(' | ')} |`,
    `| bookings/s | ${VARIANTS.map((v) => median(v.rounds.map((r) => r.perSecond)).toFixed(1)).join(' | ')} |`,
    '',
    `Per round, nine services (ms): ${VARIANTS.map((v) => `${v.label} ${v.rounds.map((r) => r.cpu.total.toFixed(1)).join(', ')}`).join('; ')}.`,
  ];
  const defaults = VARIANTS.find((v) => v.kind === 'default');
  if (base.kind === 'bare' && defaults) {
    const shown = (v: Variant) =>
      ratios(v)
        .map((r) => `×${r.toFixed(3)}`)
        .join(' / ');
    const again = VARIANTS.find((v) => v !== base && v.kind === 'bare');
    const met = ratios(defaults).every((r) => r <= TARGET);
    const interval = pairedInterval(
      VARIANTS.filter((v) => v.kind === 'bare'),
      VARIANTS.filter((v) => v.kind === 'default'),
    );
    lines.push(
      '',
      `Target: tracing, logs and metrics at their defaults (${defaults.label}) add at most ${Math.round((TARGET - 1) * 100)} % CPU per booking to ${base.label}.`,
      `${defaults.label} ÷ ${base.label}, medians / paired / whole run: ${shown(defaults)}: ${met ? 'met' : 'NOT MET'}.${again ? ` Noise floor (${again.label} ÷ ${base.label}): ${shown(again)}.` : ''}`,
      `Every ${defaults.kind} platform ÷ every ${base.kind} one, round by round (${describeInterval(interval)}): ${verdict(interval, TARGET)}.`,
    );
  }
  return lines.join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
