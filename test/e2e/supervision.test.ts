/**
 * ./dev.sh as a supervisor, on a real platform (`./dev.sh start all` from the build):
 * - every service is one plain `node` process running its build, alone in its own session;
 * - a service killed with SIGKILL leaves no process behind, and `status` calls it DOWN, as it
 *   does a service whose recorded pid is a zombie (a zombie passes `kill -0`);
 * - `./dev.sh start all` after the crashes starts exactly the missing services and leaves the
 *   others' processes alone;
 * - `./dev.sh stop all` leaves no process of the platform behind.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gql } from '../support/client';
import { waitFor } from '@wsb/kernel/src/testing';
import { PROCESSES, processName, ROOT, startPlatform, type Platform, type Service } from '../support/platform';

jest.setTimeout(240_000);

const SERVICES = PROCESSES;
const nameOf = processName;
let platform: Platform;
let zombieParent: ChildProcess | undefined;

interface Proc {
  pid: number;
  state: string;
  session: number;
  cmdline: string;
}

/** Every process on the machine, from /proc (state, session id, command line). */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session ...: comm may hold spaces, so split after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(entry), state: fields[0], session: Number(fields[3]), cmdline });
    } catch {
      /* it exited while we looked */
    }
  }
  return out;
}
const live = (p: Proc) => p.state !== 'Z' && p.state !== 'X';

/** Live processes started for this platform: their environment names its run directory. */
function platformProcesses(): Proc[] {
  return processes().filter((p) => {
    if (!live(p) || p.pid === process.pid) return false;
    try {
      return readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').includes(`WSB_RUN_DIR=${platform.runDir}`);
    } catch {
      return false;
    }
  });
}

async function portClosed(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}
const portOf = (s: Service | 'gateway') => Number(new URL(s === 'gateway' ? platform.gatewayUrl : platform.serviceUrl(s)).port);

/** ./dev.sh status: its exit code and the state it prints per service. */
async function status(): Promise<{ code: number; states: Record<string, string>; text: string }> {
  const { code, stdout } = await promisify(execFile)(join(ROOT, 'dev.sh'), ['status'], { env: platform.env, cwd: ROOT }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const states = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => line.split(/\s+/))
      .filter(([name]) => SERVICES.some((s) => nameOf(s) === name))
      .map(([name, state]) => [name, state]),
  );
  return { code, states, text: stdout };
}

/** A zombie: sh execs `sleep`, which never reaps the child that sh had started and that exited. */
async function makeZombie(): Promise<number> {
  zombieParent = spawn('sh', ['-c', 'sleep 0 & exec sleep 300'], { stdio: 'ignore' });
  return waitFor(async () => processes().find((p) => p.state === 'Z' && readPpid(p.pid) === zombieParent!.pid)?.pid, 15_000);
}
function readPpid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  platform = await startPlatform({ basePort: 13900, env: { LOG_LEVEL: 'warn' } });
});

afterAll(async () => {
  zombieParent?.kill('SIGKILL');
  await platform?.stop();
});

describe('./dev.sh supervision', () => {
  it('runs every service as one node process from the build, alone in its own session', () => {
    const all = processes();
    for (const service of SERVICES) {
      const pid = platform.pidOf(service);
      expect({ service, pid: typeof pid }).toEqual({ service, pid: 'number' });
      const self = all.find((p) => p.pid === pid)!;
      const dir = service === 'gateway' ? 'gateway' : `subgraphs/${service}`;
      expect(self.cmdline).toMatch(new RegExp(`^node .*${dir}/dist/index\\.js$`));
      expect(self.cmdline).not.toContain('tsx');
      expect(all.filter((p) => p.session === pid && live(p)).map((p) => p.pid)).toEqual([pid]);
    }
  });

  it('a SIGKILLed service leaves nothing behind, status calls it and a zombie pid DOWN, start all brings back exactly those', async () => {
    const booking = platform.pidOf('booking')!;
    const payment = platform.pidOf('payment')!;
    process.kill(booking, 'SIGKILL');
    process.kill(payment, 'SIGKILL');
    for (const [pid, service] of [
      [booking, 'booking'],
      [payment, 'payment'],
    ] as const) {
      await waitFor(async () => ((await portClosed(portOf(service))) ? true : undefined), 15_000);
      expect(processes().filter((p) => p.session === pid && live(p))).toEqual([]);
    }
    // payment's pid file now names a zombie: alive for kill -0, dead for dev.sh.
    const zombie = await makeZombie();
    writeFileSync(join(platform.runDir, 'pids', 'payment-service.pid'), `${zombie}\n`);

    const down = await status();
    expect(down.code).not.toBe(0);
    expect(down.states).toEqual(Object.fromEntries(SERVICES.map((s) => [nameOf(s), s === 'booking' || s === 'payment' ? 'DOWN' : 'UP'])));

    const before = Object.fromEntries(SERVICES.map((s) => [s, platform.pidOf(s)]));
    const out = await platform.dev('start', 'all');
    const started = out.split('\n').filter((line) => line.startsWith('Started '));
    expect(started.map((line) => line.split(' ')[1]).sort()).toEqual(['booking-service', 'payment-service']);
    for (const service of SERVICES) {
      if (service === 'booking' || service === 'payment') expect(platform.pidOf(service)).not.toBe(before[service]);
      else expect(platform.pidOf(service)).toBe(before[service]);
    }
    const up = await status();
    expect({ code: up.code, states: up.states }).toEqual({ code: 0, states: Object.fromEntries(SERVICES.map((s) => [nameOf(s), 'UP'])) });
    // And the platform answers through the gateway, the restarted subgraphs included.
    const res = await gql(platform.gatewayUrl, '{ workspaces(first: 1) { totalCount } }');
    expect(res.errors).toBeUndefined();
  });

  it('stop all leaves no process of the platform behind', async () => {
    expect(platformProcesses().length).toBeGreaterThanOrEqual(SERVICES.length);
    await platform.dev('stop', 'all');
    expect(platformProcesses().map((p) => p.cmdline)).toEqual([]);
    for (const service of SERVICES) expect(await portClosed(portOf(service))).toBe(true);
    const after = await status();
    expect(Object.values(after.states)).toEqual(SERVICES.map(() => 'DOWN'));
  });
});
