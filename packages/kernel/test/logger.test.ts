/** Log lines are JSON with the logger's fields, and never carry a secret or a token. */
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { BookingConflictError, DependencyUnavailableError, formatClientError } from '../src/errors';
import { createLogger } from '../src/logger';
import { requestLog } from '../src/request-scope';

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
