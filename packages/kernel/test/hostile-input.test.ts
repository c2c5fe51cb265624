/**
 * What the hostile end-to-end corpus found, pinned down in the kernel: unstorable text, dates
 * PostgreSQL cannot read, requests Node's HTTP parser refuses, JSON that is not an object, and
 * anonymous callers meeting an owner-only field.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import express from 'express';
import { buildSchema, execute, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { answerClientErrors, jsonErrorHandler } from '../src/http-errors';
import type { Identity } from '../src/identity';
import { createLogger } from '../src/logger';
import { buildShield, ownerOrAdmin } from '../src/permissions';
import { parseDateTime } from '../src/scalars';
import { findUnstorableText, isStorableText, rejectUnstorableText } from '../src/text-input';

const quiet = createLogger({ service: 'test' }, 'error');

describe('unstorable text', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['surrogates in the wrong order', '\udc00\ud800'],
    ['a high surrogate at the end', 'ab\ud83d'],
  ])('refuses %s', (_what, value) => {
    expect(isStorableText(value)).toBe(false);
  });

  it.each(['Zoë', 'Ad\u202Ea', '👩🏽‍💻', 'a\u200Bb', '\uFEFF', 'a\u0007b', ''])('keeps %j', (value) => {
    expect(isStorableText(value)).toBe(true);
  });

  it('names the first offending variable, however deep, without recursing', () => {
    expect(findUnstorableText({ input: { name: 'ok', tags: ['x', 'y\u0000'] } })).toBe('$input.tags[1]');
    expect(findUnstorableText({ a: 1, b: null, c: 'fine' })).toBeUndefined();
    let deep: unknown = 'bad\ud800';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText({ deep })).toMatch(/^\$deep(\[0\])+$/);
  });

  it('refuses such a request with BAD_USER_INPUT and status 400, variables and literals alike', async () => {
    const server = new ApolloServer({
      typeDefs: 'type Query { echo(text: String): String }',
      resolvers: { Query: { echo: (_p: unknown, a: { text: string }) => a.text } },
      plugins: [rejectUnstorableText()],
    });
    await server.start();
    try {
      const viaVariable = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: 'POST',
          headers: new Map([['content-type', 'application/json']]) as any,
          search: '',
          body: { query: 'query ($t: String) { echo(text: $t) }', variables: { t: 'a\u0000' } },
        },
        context: async () => ({}),
      });
      expect(viaVariable.status).toBe(400);
      const body = JSON.parse((viaVariable.body as { string: string }).string);
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(body.errors[0].message).toMatch(/cannot be stored .*: variable \$t\.$/);
      const viaLiteral = await server.executeOperation({ query: '{ echo(text: "a\\u0000b") }' });
      expect(viaLiteral.body.kind === 'single' && viaLiteral.body.singleResult.errors?.[0].message).toMatch(/a string on line 1 of the query/);
      const fine = await server.executeOperation({ query: '{ echo(text: "Zoë 👩🏽‍💻") }' });
      expect(fine.body.kind === 'single' && fine.body.singleResult.data).toEqual({ echo: 'Zoë 👩🏽‍💻' });
    } finally {
      await server.stop();
    }
  });
});

describe('DateTime years PostgreSQL can store', () => {
  it.each(['0000-01-01T09:00:00Z', '0001-01-01T00:30:00+01:00'])('refuses %s (year 0 in UTC)', (value) => {
    expect(() => parseDateTime(value)).toThrow(/the year must be between 0001 and 9999/);
  });
  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])('accepts %s', (value) => {
    expect(parseDateTime(value)).toBeInstanceOf(Date);
  });
});

describe('requests refused before GraphQL', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    const app = express();
    app.post('/graphql', express.json({ limit: 1000 }), (_req, res) => {
      res.json({ data: {} });
    });
    app.use(jsonErrorHandler(quiet));
    server = http.createServer(app);
    answerClientErrors(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const rawRequest = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (c) => (data += c));
      socket.on('error', reject);
      socket.on('close', () => resolve(data));
      socket.write(request);
    });

  it('answers headers over the limit with 431 and a JSON error, not a bare status line', async () => {
    const response = await rawRequest(`POST /graphql HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(response.split('\r\n\r\n')[1])).toEqual({
      errors: [{ message: 'The request headers are too large.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('answers a malformed request line with 400 and a JSON error', async () => {
    const response = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(response.split('\r\n\r\n')[1]).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it.each(['null', '42', '"text"'])('says a body of %s must be a JSON object (it is valid JSON)', async (body) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'The request body must be a JSON object with a query.', extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('still says a broken body is not valid JSON', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(((await res.json()) as any).errors[0].message).toBe('The request body is not valid JSON.');
  });
});

describe('ownerOrAdmin', () => {
  const plain = buildSchema('type Query { note: Note } type Note { text: String }');
  const schema = applyMiddleware(
    plain,
    buildShield({ Query: { note: ownerOrAdmin(() => 'owner') }, Note: ownerOrAdmin((note: { ownerId: string }) => note.ownerId) } as never, plain),
  );
  const run = async (identity: Identity) => {
    const result = await execute({
      schema,
      document: parse('{ note { text } }'),
      rootValue: { note: { ownerId: 'owner', text: 'secret' } },
      contextValue: { identity, rateLimiter: { consume: async () => undefined } },
    });
    return result.errors?.[0]?.originalError ?? result.data;
  };

  it('tells an anonymous caller to sign in, wherever the field is met', async () => {
    expect(await run({ caller: 'gateway' })).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
  it('refuses another member with FORBIDDEN, as before', async () => {
    expect(await run({ caller: 'gateway', user: { id: 'other', role: 'MEMBER' } })).toMatchObject({
      code: 'FORBIDDEN',
      message: 'You are not allowed to do this.',
    });
  });
  it('lets the owner, an admin and another service through', async () => {
    for (const identity of [
      { caller: 'gateway', user: { id: 'owner', role: 'MEMBER' as const } },
      { caller: 'gateway', user: { id: 'x', role: 'ADMIN' as const } },
      { caller: 'booking' },
    ]) {
      expect(await run(identity)).toEqual({ note: { text: 'secret' } });
    }
  });
});
