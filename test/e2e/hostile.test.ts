/**
 * A hostile corpus against the real platform (./dev.sh start all): several hundred requests a
 * careless or malicious client might send (test/e2e/hostile/corpus.ts, by category). Each is a test
 * of its own, named by category and case: its answer must be a clear error (status < 500, an API.md
 * code, a message) that leaks nothing, or, for inputs that are odd but valid, a success whose value
 * round-trips exactly (hostile/judge.ts). No request may cause an internal error anywhere (the logs
 * of all nine processes are read afterwards), and everything still serves.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RAISED_RATE_LIMITS } from '@wsb/kernel/src/testing';
import { gql } from '../support/client';
import { PROCESSES, processName, startPlatform, type Platform, bootstrapAdminEnv } from '../support/platform';
import { ADMIN, corpus, CREATE_BOOKING, CREATE_WORKSPACE, LOGIN, PASSWORD, SERVICES, UPDATE_ME, workspaceInput } from './hostile/corpus';
import { judge } from './hostile/judge';
import { asAdmin, asMember, slot } from './hostile/send';
import { target, type Answer, type Attack } from './hostile/target';

jest.setTimeout(240_000);

let platform: Platform;
const attacks = corpus();
const answered: { a: Attack; answer?: Answer }[] = [];

function errorLines(): string[] {
  const dir = join(platform.env.WSB_RUN_DIR!, 'logs');
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"level":"error"'))
      .map((line) => `${file}: ${line.slice(0, 300)}`),
  );
}

beforeAll(async () => {
  platform = await startPlatform({
    basePort: 13500,
    env: {
      ...bootstrapAdminEnv(ADMIN),
      ...RAISED_RATE_LIMITS,
    },
  });
  target.platform = platform;
  const url = (target.url = platform.gatewayUrl);
  target.secrets = Object.fromEntries(
    readFileSync(join(platform.env.WSB_RUN_DIR!, 'secrets.env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  const login = await gql(url, LOGIN.replace('accessToken', 'accessToken user { id }'), { i: ADMIN });
  target.admin = { id: login.data.login.user.id, token: login.data.login.accessToken };
  const reg = await gql(url, `mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`, {
    i: { email: 'mallory@example.com', password: PASSWORD, name: 'Mallory' },
  });
  target.member = { id: reg.data.register.user.id, token: reg.data.register.accessToken, email: 'mallory@example.com' };
  const ws = await gql(url, CREATE_WORKSPACE, { i: workspaceInput({ name: 'Target' }) }, asAdmin());
  target.workspaceId = ws.data.createWorkspace.id;
  const booked = await gql(url, CREATE_BOOKING, { i: { workspaceId: target.workspaceId, ...slot(2, 9) } }, asMember());
  target.bookingId = booked.data.createBooking.id;
  expect(errorLines()).toEqual([]);
});

afterAll(async () => {
  await platform?.stop();
});

describe('a hostile corpus through the gateway', () => {
  it('has at least 300 cases, each with its own name', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(300);
    const names = attacks.map((a) => `${a.category}: ${a.name}`);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  describe.each([...new Set(attacks.map((a) => a.category))])('%s', (category) => {
    it.each(attacks.filter((a) => a.category === category).map((a) => [a.name, a] as const))('%s', async (_name, a) => {
      let answer: Answer | undefined;
      try {
        answer = await a.send();
      } finally {
        answered.push({ a, answer });
      }
      expect(await judge(a, answer)).toEqual([]);
    });
  });

  it('caused no internal error in any of the nine processes', () => {
    // A compact summary per category: how many, which statuses and codes.
    const summary = new Map<string, { n: number; statuses: Set<number>; codes: Set<string> }>();
    for (const { a, answer } of answered) {
      const s = summary.get(a.category) ?? { n: 0, statuses: new Set(), codes: new Set() };
      s.n++;
      if (answer) s.statuses.add(answer.status);
      s.codes.add(answer?.json?.errors?.[0]?.extensions?.code ?? (answer?.json?.data ? 'ok' : '-'));
      summary.set(a.category, s);
    }
    console.log(
      [
        `Hostile corpus: ${answered.length} requests`,
        ...[...summary].map(
          ([c, s]) => `  ${c.padEnd(22)} ${String(s.n).padStart(4)}  status ${[...s.statuses].sort().join('/')}  ${[...s.codes].sort().join(', ')}`,
        ),
      ].join('\n'),
    );
    expect(answered).toHaveLength(attacks.length);
    expect(errorLines()).toEqual([]);
  });

  it('keeps odd but valid profile names exactly as sent', async () => {
    for (const name of ['Ada \u202Eevil\u202C Lovelace', 'A\u200Bd\u200Ca', 'Zoe\u0308', 'Zoë', '👩🏽‍💻', 'Ad\u0007a', "O'Brien; --"]) {
      const updated = await gql(target.url, UPDATE_ME, { i: { name } }, asMember());
      expect(updated.errors).toBeUndefined();
      expect(updated.data.updateMe.name).toBe(name);
      const me = await gql(target.url, '{ me { name } }', {}, asMember());
      expect(me.data.me.name).toBe(name);
    }
  });

  it('still serves afterwards: every process healthy and ready, a normal query works, dev.sh reports all UP', async () => {
    for (const base of [target.url, ...SERVICES.map((s) => platform.serviceUrl(s))]) {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
    }
    const normal = await gql(
      target.url,
      `query ($id: ID!) { booking(id: $id) { id status workspace { name } payment { status } } }`,
      { id: target.bookingId },
      asMember(),
    );
    expect(normal.errors).toBeUndefined();
    expect(normal.data.booking).toEqual({ id: target.bookingId, status: 'CONFIRMED', workspace: { name: 'Target' }, payment: { status: 'CAPTURED' } });
    const status = await platform.dev('status');
    for (const name of PROCESSES.map(processName)) expect(status).toMatch(new RegExp(`^${name}\\s+UP\\b`, 'm'));
  });
});
