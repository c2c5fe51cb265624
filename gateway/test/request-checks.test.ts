/**
 * Requests the gateway must refuse as the client's mistake (400 BAD_USER_INPUT), found by the
 * hostile end-to-end corpus: before these checks they answered 500 or INTERNAL_SERVER_ERROR.
 */
import http from 'node:http';
import net from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createHttpApp, signAccessToken } from '@wsb/kernel';
import { initTestApp, stubServices, type TestApp } from '@wsb/kernel/src/testing';
import { workspaceSubgraph } from '../../subgraphs/workspace/src/subgraph';
import { readGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/server';
import { bearer } from '../../test/support/client';

const env = {
  RATE_LIMIT_KEY_PREFIX: `gwchecks-${randomBytes(4).toString('hex')}`,
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000',
  SERVICE_JWT_KEYS: 'k1:gateway-test-service-key-0123456789abcdef',
  JWT_SECRET: 'gateway-test-user-secret-0123456789abcdef',
};

let subgraph: TestApp<any, any>;
let server: http.Server;
let gw: Gateway;

beforeAll(async () => {
  subgraph = await initTestApp(workspaceSubgraph, { env, subgraphs: stubServices({ admin: () => ({ _recordAudit: { id: 'x' } }) }).client });
  server = http.createServer(createHttpApp(subgraph));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const workspaceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gw = await createGateway(
    readGatewayConfig({ ...process.env, ...env, GATEWAY_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', WORKSPACE_SERVICE_URL: workspaceUrl }),
  );
});
afterAll(async () => {
  await gw?.close();
  await new Promise((r) => server?.close(r));
  await subgraph?.close();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] } };
}

describe('requests the gateway refuses as the client’s mistake', () => {
  it.each([
    ['a syntax error', { query: '   ' }, /^Syntax Error: Unexpected <EOF>\.$/],
    [
      'more tokens than GRAPHQL_MAX_TOKENS',
      { query: `{ workspaces { ${'totalCount '.repeat(2500)}} }` },
      /^Syntax Error: Document contains more th.. 2000 tokens\. Parsing aborted\.$/,
    ],
    [
      'two operations and no operationName',
      { query: 'query A { workspaces { totalCount } } query B { workspaces { totalCount } }' },
      /^Must provide operation name/,
    ],
    ['an unknown operationName', { query: 'query A { workspaces { totalCount } }', operationName: 'Nope' }, /^Unknown operation named "Nope"\.$/],
    ['a subscription', { query: 'subscription { workspaces { totalCount } }' }, /^Subscriptions are not supported/],
    [
      'more __typename aliases than GRAPHQL_MAX_ALIASES',
      { query: `{ ${Array.from({ length: 16 }, (_, i) => `t${i}: __typename`).join(' ')} }` },
      /Aliases limit of 15 exceeded, found 16/,
    ],
    ['a NUL in a variable', { query: 'query ($id: ID!) { workspace(id: $id) { id } }', variables: { id: 'a\u0000' } }, /cannot be stored .*: variable \$id\.$/],
  ])('%s: 400 BAD_USER_INPUT', async (_name, request, message) => {
    const res = await post(request);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0].message).toMatch(message);
  });

  it('does not offer automatic persisted queries (a mismatched hash was an internal error)', async () => {
    const res = await post({ query: '{ workspaces { totalCount } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } });
    expect(res.status).toBeLessThan(500);
    expect(res.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_NOT_SUPPORTED' });
  });

  it('still answers a normal query, and a named operation of several', async () => {
    const res = await post({ query: 'query A { workspaces { totalCount } } query B { __typename }', operationName: 'A' });
    expect(res).toEqual({ status: 200, body: { data: { workspaces: { totalCount: 0 } } } });
  });

  it('refuses an access token whose subject is not a user id, even correctly signed', async () => {
    const secret = env.JWT_SECRET;
    const body = [
      { alg: 'HS256' },
      { sub: "' OR 1=1 --", role: 'ADMIN', iss: 'wsb-auth', aud: 'wsb', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.');
    const token = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    const res = await post({ query: '{ workspaces { totalCount } }' }, bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const valid = await signAccessToken({ id: '00000000-0000-4000-8000-0000000000aa', role: 'MEMBER' }, new TextEncoder().encode(secret), 60);
    expect((await post({ query: '{ workspaces { totalCount } }' }, bearer(valid.token))).status).toBe(200);
  });

  it('answers headers over the size limit with a JSON error', async () => {
    const port = new URL(gw.url).port;
    const response = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      let data = '';
      socket.on('data', (c) => (data += c));
      socket.on('error', reject);
      socket.on('close', () => resolve(data));
      socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(response.split('\r\n\r\n')[1]).errors[0]).toEqual({
      message: 'The request headers are too large.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
