/**
 * npm run bench:log-line: what one request log line costs, written to a sink in this process, with the kernel's
 * logger (one-pass redaction) and with the same logger configured as before stop 17 (pino's
 * `redact` with a key, `*.key`, `headers.key` and `*.headers.key` path for each redacted key).
 * Interleaved rounds, medians; every line written is checked to hold its fields and no secret.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger } from '../../packages/kernel/src/logger';

const KEYS = ['password', 'newPassword', 'token', 'accessToken', 'refreshToken', 'authorization', 'cookie', 'secret'];
const KEYS_REST = ['jwtSecret', 'serviceKeys', 'SERVICE_JWT_KEYS', 'JWT_SECRET', 'smtpUrl', 'SMTP_URL'];
const PATHS = [...KEYS, ...KEYS_REST].flatMap((key) => [key, `*.${key}`, `headers.${key}`, `*.headers.${key}`]);

let written = 0;
let bad = 0;
const sink = new Writable({
  write(chunk, _encoding, done) {
    written++;
    const text = String(chunk);
    if (!text.includes('"msg":"request"') || text.includes('hunter2')) bad++;
    done();
  },
});

/** A child logger per request and one info line, as a subgraph writes it. */
type WriteLine = (i: number) => void;
const FIELDS = { operation: null, caller: 'gateway', userId: 'b16834be-0eee-41f7-aa22-3f92b8834932', sql: 3, ms: 12.5, input: { password: 'hunter2' } };

function before(): WriteLine {
  const logger = pino(
    {
      level: 'info',
      base: { service: 'booking' },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    sink,
  );
  return (i) => logger.child({ requestId: `r-${i}` }).info(FIELDS, 'request');
}

function now(): WriteLine {
  const log = createLogger({ service: 'booking' }, 'info', sink as never);
  return (i) => log.child({ requestId: `r-${i}` }).info('request', FIELDS);
}

const LINES = 50_000;

function run(write: WriteLine): number {
  const started = process.cpuUsage();
  for (let i = 0; i < LINES; i++) write(i);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / LINES;
}

const ARMS = { before, now };
const results: Record<keyof typeof ARMS, number[]> = { before: [], now: [] };
for (let round = 0; round < 7; round++) {
  const order = round % 2 ? (['now', 'before'] as const) : (['before', 'now'] as const);
  for (const name of order) results[name].push(run(ARMS[name]()));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`CPU µs per request line (a child logger and one info line), median of 7 rounds of ${LINES}:`);
console.log(`  pino redact paths (before): ${median(results.before).toFixed(2)}`);
console.log(`  one-pass redaction (now):   ${median(results.now).toFixed(2)}`);
console.log(`  now ÷ before: ${(median(results.now) / median(results.before)).toFixed(3)}; lines written ${written}, wrong ${bad}`);
if (bad || written !== 2 * 7 * LINES) process.exitCode = 1;
