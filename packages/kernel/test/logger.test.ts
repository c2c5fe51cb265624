/** Log lines are JSON with the logger's fields, and never carry a secret or a token. */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { BookingConflictError, DependencyUnavailableError, formatClientError } from '../src/errors';
import { createLogger } from '../src/logger';
import { requestLog } from '../src/request-observer';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

it('writes one JSON line with time, level, the logger fields, the line fields and msg', () => {
  const { lines, stream } = capture();
  createLogger({ service: 'booking' }, 'info', stream as never)
    .child({ requestId: 'r-1' })
    .info('request', { ms: 3, sql: 2 });
  const line = JSON.parse(lines[0]);
  expect(line).toMatchObject({ level: 'info', service: 'booking', requestId: 'r-1', ms: 3, sql: 2, msg: 'request' });
  expect(new Date(line.time).toISOString()).toBe(line.time);
});

it('drops lines below its level', () => {
  const { lines, stream } = capture();
  const log = createLogger({ service: 'x' }, 'warn', stream as never);
  log.info('quiet');
  log.debug('quieter');
  log.warn('loud');
  expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
});

it('redacts passwords, tokens, authorization headers and secrets, at the top and one level down', () => {
  const { lines, stream } = capture();
  createLogger({ service: 'auth' }, 'info', stream as never).warn('careless', {
    password: 'hunter2-top',
    input: { email: 'ada@example.com', password: 'hunter2-nested' },
    headers: { authorization: 'Bearer eyJ-header-token' },
    refreshToken: 'refresh-secret',
    result: { accessToken: 'access-secret', refreshToken: 'refresh-nested' },
    config: { jwtSecret: 'jwt-secret-value', serviceKeys: [{ kid: 'k1', secret: 'svc-secret' }] },
  });
  const text = lines.join('\n');
  for (const secret of [
    'hunter2-top',
    'hunter2-nested',
    'eyJ-header-token',
    'refresh-secret',
    'access-secret',
    'refresh-nested',
    'jwt-secret-value',
    'svc-secret',
  ]) {
    expect(text).not.toContain(secret);
  }
  const line = JSON.parse(lines[0]);
  expect(line.input).toEqual({ email: 'ada@example.com', password: '[redacted]' });
  expect(line.headers.authorization).toBe('[redacted]');
});

it('keeps an error name, message and stack', () => {
  const { lines, stream } = capture();
  createLogger({ service: 'x' }, 'info', stream as never).error('failed', { err: new TypeError('boom') });
  expect(JSON.parse(lines[0]).err).toMatchObject({ type: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') });
});

it("puts each error's code on the request line, as the client got it (a domain error's code is set when it is formatted)", async () => {
  const { lines, stream } = capture();
  const log = createLogger({ service: 'booking' }, 'info', stream as never);
  const server = new ApolloServer<object>({
    typeDefs: 'type Query { booking: String, payment: String }',
    resolvers: {
      Query: {
        booking: () => {
          throw new DependencyUnavailableError('workspace');
        },
        payment: () => {
          throw new BookingConflictError();
        },
      },
    },
    plugins: [requestLog<object>(() => ({ log, fields: {} }))],
    formatError: (formatted, error) => formatClientError(formatted, error, () => undefined),
  });
  await server.start();
  try {
    await server.executeOperation({ query: 'query Two { booking payment }' });
    const line = JSON.parse(lines.find((l) => l.includes('"msg":"request"'))!);
    expect(line).toMatchObject({ errors: ['DEPENDENCY_UNAVAILABLE', 'BOOKING_CONFLICT'] });
  } finally {
    await server.stop();
  }
});

it('redacts in a headers object one level down and in child bindings, and leaves the caller’s objects, errors and arrays as they were', () => {
  const { lines, stream } = capture();
  const input = { email: 'ada@example.com', password: 'hunter2-nested' };
  const request = { headers: { authorization: 'Bearer deep-token', 'content-type': 'application/json' }, url: '/graphql' };
  const log = createLogger({ service: 'gateway' }, 'info', stream as never).child({ requestId: 'r-2', token: 'child-token' });
  log.info('line', { input, request, ids: [{ password: 'in-an-array' }], err: new Error('kept') });
  const line = JSON.parse(lines[0]);
  expect(line).toMatchObject({ requestId: 'r-2', token: '[redacted]', input: { email: 'ada@example.com', password: '[redacted]' } });
  expect(line.request).toEqual({ headers: { authorization: '[redacted]', 'content-type': 'application/json' }, url: '/graphql' });
  expect(line.err).toMatchObject({ type: 'Error', message: 'kept' });
  // Arrays are not looked into (as with pino's paths); the caller's objects are unchanged.
  expect(line.ids).toEqual([{ password: 'in-an-array' }]);
  expect(input.password).toBe('hunter2-nested');
  expect(request.headers.authorization).toBe('Bearer deep-token');
  expect(lines[0]).not.toContain('deep-token');
  expect(lines[0]).not.toContain('child-token');
});

describe('the process’s own destination (stdout)', () => {
  /**
   * A process logging as the services do (no destination given), its stdout a file, every write
   * to fd 1 counted: 50 lines at once; 300 ms later it reports how many writes they took and how
   * many lines the file had by then, then logs 10 more and exits at once.
   */
  const SCRIPT = `
    const fs = require('node:fs');
    let writes = 0;
    const writeSync = fs.writeSync;
    fs.writeSync = (fd, ...rest) => { if (fd === 1) writes++; return writeSync(fd, ...rest); };
    const { createLogger } = require('./packages/kernel/src/logger.ts');
    const log = createLogger({ service: 'probe' });
    for (let i = 0; i < 50; i++) log.info('request', { i });
    const writesForBurst = writes;
    setTimeout(() => {
      const seen = fs.readFileSync(process.env.OUT, 'utf8').split('\\n').filter(Boolean).length;
      fs.writeFileSync(process.env.OUT + '.report', JSON.stringify({ writesForBurst, seen }));
      for (let i = 50; i < 60; i++) log.info('request', { i });
      process.exit(0);
    }, 300);
  `;

  it('writes lines in batches, every line within 100 ms, and the last ones at exit', async () => {
    const root = join(__dirname, '../../..');
    const out = join(mkdtempSync(join(tmpdir(), 'wsb-log-')), 'out.log');
    const fd = openSync(out, 'w');
    try {
      const code = await new Promise((resolve, reject) => {
        const child = spawn(join(root, 'node_modules/.bin/tsx'), ['-e', SCRIPT], {
          cwd: root,
          env: { ...process.env, OUT: out },
          stdio: ['ignore', fd, 'inherit'],
        });
        child.on('error', reject);
        child.on('exit', resolve);
      });
      expect(code).toBe(0);
    } finally {
      closeSync(fd);
    }
    const report = JSON.parse(readFileSync(`${out}.report`, 'utf8'));
    // 50 lines of about 120 bytes: one write once 4 KiB wait, not one per line.
    expect(report.writesForBurst).toBeGreaterThan(0);
    expect(report.writesForBurst).toBeLessThanOrEqual(3);
    // The rest within the 100 ms flush, while the process ran on.
    expect(report.seen).toBe(50);
    // And the 10 lines logged just before process.exit, in order, whole.
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  }, 60_000);
});
