/**
 * The chaos run: 20 clients book, cancel and replay through the gateway while a killer SIGKILLs
 * the booking, payment, notification, reporting, user and workspace subgraphs at random and brings
 * them back with `./dev.sh start <name>-service` (whose supervision judges the real process
 * state). Afterwards every process is brought back, the sweeper and the outbox are given time to
 * settle, and the databases are checked against what the clients were told (invariants.ts).
 */
import { randomUUID } from 'node:crypto';
import { RAISED_RATE_LIMITS, waitFor } from '../../packages/kernel/src/testing';
import { processName, type Platform, type Service } from '../../test/support/platform';
import { call, withRetries, CANCEL_BOOKING, CREATE_BOOKING, CREATE_WORKSPACE, LOGIN, REGISTER, type Answer } from './client';
import { checkInvariants, settled, type ClientLedger, type InvariantResult } from './invariants';

const CHAOS_TARGETS = ['booking', 'payment', 'notification', 'reporting', 'user', 'workspace'] as const satisfies readonly Service[];
type ChaosTarget = (typeof CHAOS_TARGETS)[number];

const CHAOS_ADMIN = { email: 'chaos-admin@example.com', password: 'chaos-admin-password-1' };

/**
 * The platform settings a chaos run needs: short recovery timers (so the sweep and the refunds
 * settle in seconds, not minutes), quick circuit probes, and no rate limit on one address's load.
 */
export function chaosPlatformEnv(amqpUrl: string | undefined): Record<string, string> {
  return {
    ...(amqpUrl ? { AMQP_URL: amqpUrl, AMQP_RETRY_DELAY_MS: '1000' } : {}),
    BOOTSTRAP_ADMIN_EMAIL: CHAOS_ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: CHAOS_ADMIN.password,
    ...RAISED_RATE_LIMITS,
    CIRCUIT_BREAKER_THRESHOLD: '3',
    CIRCUIT_BREAKER_RESET_MS: '1000',
    BOOKING_PENDING_TIMEOUT_MS: '8000',
    BOOKING_REFUND_DELAY_MS: '6000',
    PAYMENT_PENDING_TIMEOUT_MS: '6000',
    OUTBOX_RETRY_MAX_MS: '2000',
    OUTBOX_CLAIM_MS: '5000',
    LOG_LEVEL: 'warn',
  };
}

export interface ChaosOptions {
  chaosMs: number;
  clients?: number;
  workspaces?: number;
  /** Mean pause between kills. */
  killEveryMs?: number;
  /** Targets down (killed, not yet back) at most at once. */
  maxDown?: number;
  /**
   * After the chaos, once every process is back: how long clients keep retrying what they
   * started, and how long to wait for the sweep and the outbox.
   */
  drainMs?: number;
  settleMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seconds: { setup: number; chaos: number; drain: number; settle: number };
  bookings: Record<string, number>;
  cancels: Record<string, number>;
  replays: Record<string, number>;
  kills: Record<string, number>;
  restartFailures: number;
  retries: number;
  retryReasons: Record<string, number>;
  invariants: InvariantResult[];
  ok: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const bump = (tally: Record<string, number>, key: string, by = 1) => (tally[key] = (tally[key] ?? 0) + by);
const HOUR = 3600_000;
const REQUEST_TIMEOUT_MS = 15_000;

export async function runChaos(platform: Platform, options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const clients = options.clients ?? 20;
  const url = platform.gatewayUrl;
  const t0 = Date.now();

  const admin = await must(() => call<{ accessToken: string }>(url, LOGIN, { input: CHAOS_ADMIN }, undefined, REQUEST_TIMEOUT_MS), 'admin login');
  const workspaceIds: string[] = [];
  for (let i = 0; i < (options.workspaces ?? 6); i += 1) {
    const input = { name: `Chaos ${i}`, kind: 'MEETING_ROOM', capacity: 8, hourlyRate: { amount: 1500, currency: 'EUR' }, timezone: 'Europe/Berlin' };
    workspaceIds.push((await must(() => call<{ id: string }>(url, CREATE_WORKSPACE, { input }, admin.accessToken, REQUEST_TIMEOUT_MS), 'createWorkspace')).id);
  }
  // Two at a time: argon2id on a small machine.
  const tag = randomUUID().slice(0, 8);
  const users: { token: string; id: string }[] = [];
  for (let i = 0; i < clients; i += 2) {
    const batch = Array.from({ length: Math.min(2, clients - i) }, (_, j) => {
      const input = { email: `chaos-${tag}-${i + j}@example.com`, password: 'correct-horse-1', name: `Chaos client ${i + j}` };
      return must(() => call<{ accessToken: string; user: { id: string } }>(url, REGISTER, { input }, undefined, REQUEST_TIMEOUT_MS), 'register');
    });
    for (const r of await Promise.all(batch)) users.push({ token: r.accessToken, id: r.user.id });
  }
  const setupDone = Date.now();
  log(`set up ${workspaceIds.length} workspaces and ${users.length} clients in ${((setupDone - t0) / 1000).toFixed(1)} s`);

  const ledger: ClientLedger = { requests: [], cancels: new Map(), replays: [] };
  const report: ChaosReport = {
    seconds: { setup: (setupDone - t0) / 1000, chaos: 0, drain: 0, settle: 0 },
    bookings: {},
    cancels: {},
    replays: {},
    kills: {},
    restartFailures: 0,
    retries: 0,
    retryReasons: {},
    invariants: [],
    ok: false,
  };
  const chaosEnd = setupDone + options.chaosMs;
  // Clients retry without limit until every process is back after the chaos, then for drainMs.
  let giveUpAt = Number.POSITIVE_INFINITY;
  const deadline = () => giveUpAt;
  const countRetries = (reasons: string[]) => {
    report.retries += reasons.length;
    for (const r of reasons) bump(report.retryReasons, r);
  };

  // Future slots only: a half-hour grid over 30 days from tomorrow, 30 minutes to 4 hours long.
  const day0 = new Date();
  day0.setUTCHours(0, 0, 0, 0);
  const base = day0.getTime() + 24 * HOUR;
  const randomInput = () => {
    const start = Math.floor(Math.random() * 30 * 48) * 30 * 60_000;
    const length = (1 + Math.floor(Math.random() * 8)) * 30 * 60_000;
    return {
      workspaceId: pick(workspaceIds),
      startsAt: new Date(base + start).toISOString(),
      endsAt: new Date(base + start + length).toISOString(),
      attendees: 1 + Math.floor(Math.random() * 4),
    };
  };

  const replay = async (userId: string, token: string, first: { key: string; input: Record<string, unknown>; bookingId: string }) => {
    const input = { ...first.input, idempotencyKey: first.key };
    const { answer, reasons } = await withRetries(
      () => call<{ id: string; status: string }>(url, CREATE_BOOKING, { input }, token, REQUEST_TIMEOUT_MS),
      deadline,
    );
    countRetries(reasons);
    const got = answer.kind === 'data' ? answer.data.id : answer.kind === 'error' ? answer.code : 'GAVE_UP';
    ledger.replays.push({ userId, key: first.key, expected: first.bookingId, got });
    bump(report.replays, got === first.bookingId ? 'same booking' : got === 'GAVE_UP' ? 'GAVE_UP' : 'DIFFERENT');
  };

  async function client(n: number): Promise<void> {
    const user = users[n];
    const mine: { key: string; input: Record<string, unknown>; bookingId: string }[] = [];
    let replayNext = false;
    const book = (input: Record<string, unknown>) => () => call<{ id: string; status: string }>(url, CREATE_BOOKING, { input }, user.token, REQUEST_TIMEOUT_MS);
    while (Date.now() < chaosEnd) {
      // A client with nothing to replay or cancel yet books; a new booking is often replayed at once.
      const replayLatest = replayNext;
      replayNext = false;
      const roll = replayLatest ? 0.2 : mine.length ? Math.random() : 1;
      const cancellable = mine.filter((b) => !ledger.cancels.has(b.bookingId));
      if (roll < 0.15 && cancellable.length) {
        const target = pick(cancellable);
        const { answer, reasons } = await withRetries(
          () => call<{ id: string; status: string }>(url, CANCEL_BOOKING, { id: target.bookingId }, user.token, REQUEST_TIMEOUT_MS),
          deadline,
        );
        countRetries(reasons);
        const outcome = answer.kind === 'data' ? answer.data.status : answer.kind === 'error' ? answer.code : 'GAVE_UP';
        ledger.cancels.set(target.bookingId, outcome);
        bump(report.cancels, outcome);
      } else if (roll < 0.35 && mine.length) {
        // Mostly the latest booking, as a client replays a request whose answer it lost.
        await replay(user.id, user.token, replayLatest || Math.random() < 0.5 ? mine[mine.length - 1] : pick(mine));
      } else {
        const input = randomInput();
        const key = randomUUID();
        const { answer, reasons } = await withRetries(book({ ...input, idempotencyKey: key }), deadline);
        countRetries(reasons);
        const record = { userId: user.id, key, input, answer: summarize(answer), retried: reasons.length > 0 };
        ledger.requests.push(record);
        bump(report.bookings, record.answer.outcome);
        if (answer.kind === 'data') {
          mine.push({ key, input, bookingId: answer.data.id });
          replayNext = Math.random() < 0.3;
        }
      }
    }
    // One more replay once the chaos is over: a booking made during it, asked for again after the restarts.
    if (mine.length) await replay(user.id, user.token, pick(mine));
  }

  const clientsDone = Promise.all(users.map((_, n) => client(n)));
  await killLoop(platform, chaosEnd, options.killEveryMs ?? 4000, options.maxDown ?? 2, report, log);
  // Everything back (start all starts exactly what is missing); then clients get drainMs to finish.
  try {
    await platform.dev('start', 'all');
  } finally {
    giveUpAt = Date.now() + (options.drainMs ?? 30_000);
  }
  log(`chaos over, every process back after ${((Date.now() - chaosEnd) / 1000).toFixed(1)} s`);
  await clientsDone;
  report.seconds.chaos = (chaosEnd - setupDone) / 1000;
  report.seconds.drain = (Date.now() - chaosEnd) / 1000;
  log(`clients done: ${JSON.stringify({ bookings: report.bookings, kills: report.kills })}`);

  // The sweep and the outbox settle.
  const settleStart = Date.now();
  try {
    await waitFor(async () => (await settled(platform)) && (await checkInvariants(platform, ledger)).every((r) => r.ok), options.settleMs ?? 60_000);
  } catch {
    log('the platform did not settle in time; reporting what it looks like now');
  }
  report.seconds.settle = (Date.now() - settleStart) / 1000;
  report.invariants = await checkInvariants(platform, ledger);
  report.ok = report.invariants.every((r) => r.ok);
  return report;
}

function summarize(answer: Answer<{ id: string; status: string }>) {
  if (answer.kind === 'data') return { outcome: answer.data.status, bookingId: answer.data.id };
  if (answer.kind === 'error') return { outcome: answer.code };
  return { outcome: 'GAVE_UP', reason: answer.reason };
}

/** A set-up call, retried like any other (a loaded auth answers RATE_LIMITED to a burst of registrations) for up to a minute. */
async function must<T>(attempt: () => Promise<Answer<T>>, what: string): Promise<T> {
  const giveUpAt = Date.now() + 60_000;
  const { answer } = await withRetries(attempt, () => giveUpAt);
  if (answer.kind !== 'data') throw new Error(`${what} failed during set-up: ${JSON.stringify(answer)}`);
  return answer.data;
}

/**
 * Until the chaos ends: wait a random while, SIGKILL one running target (now and then two at
 * once; the least-killed first, so every target gets its turn), and bring it back with dev.sh after a moment of downtime. A restart runs in the
 * background (on a loaded machine it takes seconds), so the next kill does not wait for it; a
 * target is only killed again once it is back, and at most `maxDown` are down at once.
 */
async function killLoop(platform: Platform, until: number, everyMs: number, maxDown: number, report: ChaosReport, log: (line: string) => void): Promise<void> {
  const restarting = new Map<ChaosTarget, Promise<void>>();
  const restart = async (service: ChaosTarget) => {
    await sleep(300 + Math.random() * 2000);
    try {
      await platform.dev('start', processName(service));
    } catch (err) {
      report.restartFailures += 1;
      log(`./dev.sh start ${service}-service failed (${(err as Error).message.split('\n')[0]}); trying start all`);
      await platform.dev('start', 'all').catch(() => undefined);
    }
  };
  while (Date.now() < until) {
    await sleep(everyMs * (0.5 + Math.random()));
    if (Date.now() >= until) break;
    if (restarting.size >= maxDown) continue;
    // The least-killed running targets first (random among equals), so a short run still hits each.
    const up = CHAOS_TARGETS.filter((s) => !restarting.has(s)).sort(() => Math.random() - 0.5);
    up.sort((a, b) => (report.kills[a] ?? 0) - (report.kills[b] ?? 0));
    const victims = new Set<ChaosTarget>(up.slice(0, Math.random() < 0.2 && restarting.size + 2 <= maxDown ? 2 : 1));
    for (const service of victims) {
      const pid = platform.pidOf(service);
      if (!pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
        bump(report.kills, service);
      } catch {
        // Already gone: the restart below brings it back.
      }
      restarting.set(
        service,
        restart(service).finally(() => restarting.delete(service)),
      );
    }
  }
  await Promise.all(restarting.values());
}
