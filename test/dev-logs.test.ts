/**
 * `./dev.sh logs` and its formatter (scripts/format-logs.mjs): pino's JSON lines made readable,
 * anything else passed through unchanged, `--raw` as written, `-f` following, on a run directory
 * holding sample logs.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const FORMATTER = join(ROOT, 'scripts/format-logs.mjs');

const STARTED = '=== booking-service starting at 2026-12-02 04:40:55 ===';
const READY = '{"level":"info","time":"2026-12-02T04:40:57.123Z","service":"booking","msg":"subgraph ready","port":3003}';
const REQUEST =
  '{"level":"warn","time":"2026-12-02T04:40:58.5Z","service":"booking","requestId":"r-1","operation":"createBooking","caller":"gateway","userId":"u-1","sql":10,"ms":12.3,"errors":["NOT_FOUND"],"msg":"request"}';
const FAILED =
  '{"level":"error","time":"2026-12-02T04:40:59.000Z","service":"booking","component":"outbox","note":"two words","err":{"type":"Error","message":"boom","stack":"Error: boom\\n    at relay (relay.js:1:1)"},"msg":"outbox relay round failed"}';
const NOT_OURS = ['not json {at all', '{"json":"but not a log line"}', '{"level":"info","msg":'];
const GATEWAY = '{"level":"info","time":"2026-12-02T04:41:00.000Z","service":"gateway","msg":"gateway ready","port":4000}';

const FORMATTED = [
  STARTED,
  '04:40:57.123 INFO  booking      subgraph ready port=3003',
  '04:40:58.500 WARN  booking      request createBooking 12.3 ms user=u-1 req=r-1 caller=gateway sql=10 errors=NOT_FOUND',
  '04:40:59.000 ERROR booking      outbox relay round failed component=outbox note="two words"',
  '    Error: boom',
  '        at relay (relay.js:1:1)',
  ...NOT_OURS,
];

function format(input: string, args: string[] = []): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile('node', [FORMATTER, ...args], { env: { ...process.env, NO_COLOR: '' } }, (err, stdout) => (err ? fail(err) : done(stdout)));
    child.stdin!.end(input);
  });
}

let runDir: string;
const env = () => ({ ...process.env, WSB_RUN_DIR: runDir });
const dev = async (...args: string[]) => (await run(join(ROOT, 'dev.sh'), args, { env: env(), cwd: ROOT })).stdout;

beforeAll(() => {
  runDir = mkdtempSync(join(tmpdir(), 'wsb-logs-'));
  mkdirSync(join(runDir, 'logs'));
  writeFileSync(join(runDir, 'logs/booking-service.log'), [STARTED, READY, REQUEST, FAILED, ...NOT_OURS, ''].join('\n'));
  writeFileSync(join(runDir, 'logs/gateway.log'), `${GATEWAY}\n`);
});
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

describe('scripts/format-logs.mjs', () => {
  it('puts time, level, service, message, operation, duration, user and request id first, and passes other lines unchanged', async () => {
    const input = [STARTED, READY, REQUEST, FAILED, ...NOT_OURS].join('\n');
    expect(await format(input)).toBe(`${FORMATTED.join('\n')}\n`);
  });

  it('colours only when asked or on a terminal', async () => {
    expect(await format(READY)).not.toContain('\u001b[');
    const coloured = await format(REQUEST, ['--color']);
    expect(coloured).toContain('\u001b[33mWARN \u001b[0m');
    // eslint-disable-next-line no-control-regex -- strips the ANSI colour codes the formatter wrote
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(`${FORMATTED[2]}\n`);
    expect(await format(REQUEST, ['--color', '--no-color'])).toBe(`${FORMATTED[2]}\n`);
  });
});

describe('./dev.sh logs', () => {
  it('prints one service log readably, by either name', async () => {
    expect(await dev('logs', 'booking-service')).toBe(`${FORMATTED.join('\n')}\n`);
    expect(await dev('logs', 'booking')).toBe(`${FORMATTED.join('\n')}\n`);
  });

  it('prints the JSON lines as written with --raw', async () => {
    expect(await dev('logs', 'booking-service', '--raw')).toBe([STARTED, READY, REQUEST, FAILED, ...NOT_OURS, ''].join('\n'));
  });

  it('prints every log with all, each line naming its service', async () => {
    const out = await dev('logs', 'all');
    expect(out).toContain(FORMATTED[2]);
    expect(out).toContain('04:41:00.000 INFO  gateway      gateway ready port=4000');
    expect(out).not.toContain(READY);
    expect(out).toContain(FORMATTED[1]);
  });

  it('refuses an unknown option or service', async () => {
    await expect(dev('logs', '--bogus')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown option --bogus') });
    await expect(dev('logs', 'nope-service')).rejects.toMatchObject({ stderr: expect.stringContaining("unknown service 'nope-service'") });
  });

  it('follows with -f: a line written later is printed readably', async () => {
    // Its own process group, so the tail and node it pipes through stop with it.
    const child = spawn(join(ROOT, 'dev.sh'), ['logs', 'gateway', '-f'], { env: env(), cwd: ROOT, detached: true });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    try {
      const waitFor = async (text: string) => {
        for (const until = Date.now() + 10_000; !out.includes(text); await new Promise((r) => setTimeout(r, 50))) {
          if (Date.now() > until) throw new Error(`not printed: ${text}\n${out}`);
        }
      };
      await waitFor('gateway ready');
      appendFileSync(join(runDir, 'logs/gateway.log'), `${GATEWAY.replace('gateway ready', 'later line')}\n`);
      await waitFor('later line');
      expect(out).toBe('04:41:00.000 INFO  gateway      gateway ready port=4000\n04:41:00.000 INFO  gateway      later line port=4000\n');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  });
});
