/**
 * The gateway in front of real workspace subgraphs (in-process, each on its own port and database),
 * with rate limits counted in the machine's real Redis.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createHttpApp, parseServiceKeys, signAccessToken, signServiceToken } from '@wsb/kernel';
import { expiredServiceToken, initTestApp, stubServices, type TestApp } from '@wsb/kernel/src/testing';
import { workspaceSubgraph } from '../../subgraphs/workspace/src/subgraph';
import { readGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/server';
import { gql, bearer } from '../../test/support/client';

const prefix = `gwtest-${randomBytes(4).toString('hex')}`;
const env = {
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  RATE_LIMIT_KEY_PREFIX: prefix,
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '4',
  SERVICE_JWT_KEYS: 'k1:gateway-test-service-key-0123456789abcdef',
  JWT_SECRET: 'gateway-test-user-secret-0123456789abcdef',
};
const noAudit = stubServices({ admin: () => ({ _recordAudit: { id: 'x' } }) }).client;

let subgraphs: TestApp<any, any>[] = [];
const servers: http.Server[] = [];
const gateways: Gateway[] = [];

async function listen(app: TestApp<any, any>): Promise<string> {
  const server = http.createServer(createHttpApp(app));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function gateway(workspaceUrl: string, extra: Record<string, string> = {}): Promise<Gateway> {
  const gw = await createGateway(
    readGatewayConfig({ ...process.env, ...env, GATEWAY_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', WORKSPACE_SERVICE_URL: workspaceUrl, ...extra }),
  );
  gateways.push(gw);
  return gw;
}

let urlA: string;
let urlB: string;
beforeAll(async () => {
  subgraphs = [await initTestApp(workspaceSubgraph, { env, subgraphs: noAudit }), await initTestApp(workspaceSubgraph, { env, subgraphs: noAudit })];
  urlA = await listen(subgraphs[0]);
  urlB = await listen(subgraphs[1]);
});
afterAll(async () => {
  for (const gw of gateways) await gw.close();
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const app of subgraphs) await app.close();
});

const WORKSPACES = '{ workspaces { totalCount } }';

describe('rate limits shared through Redis', () => {
  it('hold across two gateways and two subgraph instances, per client address', async () => {
    const a = await gateway(urlA, { TRUSTED_PROXIES: 'loopback' });
    const b = await gateway(urlB, { TRUSTED_PROXIES: 'loopback' });
    const client = { 'x-forwarded-for': '192.0.2.10' };
    const codes: string[] = [];
    for (const gw of [a, b, a, b, a]) {
      const res = await gql(gw.url, WORKSPACES, {}, client);
      codes.push(res.errors?.[0].extensions?.code ?? 'OK');
    }
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    const limited = await gql(b.url, WORKSPACES, {}, client);
    expect(limited.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(limited.errors?.[0].extensions?.retryAfter).toBeGreaterThan(0);
    expect(limited.errors?.[0].message).toMatch(/^Too many requests; retry in \d+ seconds\.$/);
    // Another client address has its own budget.
    expect((await gql(a.url, WORKSPACES, {}, { 'x-forwarded-for': '192.0.2.11' })).errors).toBeUndefined();
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const c = await gateway(urlA);
    // 192.0.2.10 is used up above; untrusted, the header is ignored and the socket address counts.
    const res = await gql(c.url, WORKSPACES, {}, { 'x-forwarded-for': '192.0.2.10' });
    expect(res.errors).toBeUndefined();
  });

  it('counts mutations per signed-in user, not per address', async () => {
    const a = gateways[0];
    const secret = new TextEncoder().encode(env.JWT_SECRET);
    const { token } = await signAccessToken({ id: '00000000-0000-4000-8000-0000000000aa', role: 'MEMBER' }, secret, 60);
    // Members may not create workspaces: FORBIDDEN, but the attempt still counts (120/min default).
    const res = await gql(a.url, 'mutation { archiveWorkspace(id: "x") { id } }', {}, { ...bearer(token), 'x-forwarded-for': '192.0.2.10' });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a subgraph reached directly', () => {
  const keys = parseServiceKeys(env.SERVICE_JWT_KEYS, []);
  const entities = `query { _entities(representations: [{ __typename: "Workspace", id: "00000000-0000-4000-8000-000000000001" }]) { ... on Workspace { name } } }`;

  it.each([
    ['no token', async () => ({})],
    ['a client identity header', async () => ({ 'x-user-id': 'u1', 'x-user-role': 'ADMIN' })],
    ['a user access token', async () => bearer((await signAccessToken({ id: 'u1', role: 'ADMIN' }, new TextEncoder().encode(env.JWT_SECRET), 60)).token)],
    [
      'a forged service token',
      async () => bearer(await signServiceToken({ caller: 'gateway' }, parseServiceKeys('k1:not-the-platform-key-0123456789abcdef', []))),
    ],
    ['an expired service token', async () => bearer(await expiredServiceToken({ caller: 'gateway' }, keys))],
  ])('refuses %s with 401 and no data, _entities and _service included', async (_name, headers) => {
    for (const query of [WORKSPACES, entities, '{ _service { sdl } }']) {
      const res = await gql(urlA, query, {}, await headers());
      expect(res.status).toBe(401);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0]).toEqual({ message: 'This service only answers other services of the platform.', extensions: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('answers a valid service token', async () => {
    const res = await gql(urlA, '{ _service { sdl } }', {}, bearer(await signServiceToken({ caller: 'gateway' }, keys)));
    expect(res.status).toBe(200);
    expect(res.data._service.sdl).toContain('type Workspace');
  });

  // JSON POSTs take the subgraph's fast path, everything else Express: both answer alike.
  it.each([
    ['broken JSON', 'application/json', '{"query": ', 400, 'The request body is not valid JSON.'],
    ['JSON that is not an object', 'application/json', '42', 400, 'The request body must be a JSON object with a query.'],
    ['a body over 1 MB', 'application/json', JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }), 413, 'The request body is too large.'],
    ['broken JSON, charset given', 'application/json; charset=utf-8', '{', 400, 'The request body is not valid JSON.'],
  ])('refuses %s with a JSON error', async (_what, contentType, body, status, message) => {
    const res = await fetch(`${urlA}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('answers a JSON POST on the fast path, query string and request id included', async () => {
    const res = await fetch(`${urlA}/graphql?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'direct-1', ...bearer(await signServiceToken({ caller: 'gateway' }, keys)) },
      body: JSON.stringify({ query: 'query Sdl { _service { sdl } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(((await res.json()) as any).data._service.sdl).toContain('type Workspace');
  });
});

describe('query limits at the gateway', () => {
  it('refuses a query over its cost budget with COST_ESTIMATED_TOO_EXPENSIVE, the cost and the limit, and runs one within it', async () => {
    const gw = await gateway(urlA, { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000', GRAPHQL_MAX_COST: '500' });
    // workspaces (1) + 100 × (edge, node, hourlyRate, isAvailable) = 401 per page.
    const page = (first: number | string) =>
      `workspaces(first: ${first}) { edges { node { name hourlyRate { amount } isAvailable(startsAt: "2030-01-07T09:00:00Z", endsAt: "2030-01-07T10:00:00Z") } } }`;
    const send = async (query: string, variables = {}) => {
      const res = await fetch(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };
    };
    const refused = await send(`{ a: ${page(100)} b: ${page(100)} }`);
    expect(refused).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: "The query's estimated cost 802 is over the limit of 500: ask for fewer items (first) or fewer nested lists.",
            extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 802, limit: 500 },
          },
        ],
      },
    });
    const twoPages = `query ($n: Int) { a: ${page('$n')} b: ${page('$n')} }`;
    expect((await send(twoPages, { n: 100 })).body.errors?.[0].extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 802, limit: 500 });
    const within = await send(twoPages, { n: 50 }); // 2 × (1 + 50 × 4) = 402
    expect(within.status).toBe(200);
    expect(within.body).toEqual({ data: { a: { edges: [] }, b: { edges: [] } } });
  });

  it('refuses alias bombs, deep queries, batches and oversized bodies with clear errors', async () => {
    const gw = await gateway(urlA, { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' });
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: workspaces { totalCount }`).join(' ')} }`;
    expect((await gql(gw.url, aliases)).errors?.[0]).toEqual({
      message: 'Syntax Error: Aliases limit of 15 exceeded, found 16.',
      extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const deep = `{ workspaces { edges { node { hourlyRate { amount } } } } }`.replace('amount', 'amount __typename');
    expect((await gql(gw.url, deep)).errors).toBeUndefined();
    const batch = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: WORKSPACES }, { query: WORKSPACES }]),
    });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const big = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ workspaces { totalCount } } #${'x'.repeat(200_000)}` }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ errors: [{ message: 'The request body is too large.', extensions: { code: 'BAD_USER_INPUT' } }] });
    const malformed = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});

describe("the gateway's two ways in", () => {
  // A JSON POST without an Origin takes the fast path straight to Apollo; a browser's (with an
  // Origin) goes through Express and its CORS. Both must answer alike.
  const post = (gw: Gateway, path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const ways = [
    ['the fast path', {}],
    ['Express', { origin: 'https://app.example.com' }],
  ] as const;

  it.each(ways)('%s: answers a query at / and /graphql with its request id, and refuses bad bodies with the same JSON errors', async (way, headers) => {
    const gw = await gateway(urlA, { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000', CORS_ORIGINS: 'https://app.example.com' });
    for (const [i, path] of ['/', '/graphql', '/graphql?x=1'].entries()) {
      // (The subgraphs here allow 4 anonymous requests a minute: this one stays in the gateway.)
      const res = await post(gw, path, JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': `way-${i}`, ...headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe(`way-${i}`);
      expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
      // Express's res.send adds an ETag; the fast path does not: this is the way the request went.
      expect(res.headers.get('etag') === null).toBe(way === 'the fast path');
    }
    const refusals: [string, number, string][] = [
      ['{"query": ', 400, 'The request body is not valid JSON.'],
      ['"a string"', 400, 'The request body must be a JSON object with a query.'],
      [JSON.stringify({ query: `{ __typename } #${'x'.repeat(200_000)}` }), 413, 'The request body is too large.'],
    ];
    for (const [body, status, message] of refusals) {
      const res = await post(gw, '/graphql', body, headers);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    const gzip = await post(gw, '/graphql', '{}', { 'content-encoding': 'gzip', ...headers });
    expect(gzip.status).toBe(400);
    expect(((await gzip.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('health for orchestrators', () => {
  it('is ready while a subgraph is down, and /status shows which one, with its circuit', async () => {
    const gw = await gateway(urlA, { USER_SERVICE_URL: 'http://127.0.0.1:1', PAYMENT_SERVICE_URL: 'http://127.0.0.1:1' });
    const ready = await fetch(`${gw.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', service: 'gateway' });
    const status = (await (await fetch(`${gw.url}/status`)).json()) as any;
    expect(status.status).toBe('degraded');
    expect(status.subgraphs.workspace).toEqual({ state: 'ready', circuit: 'closed' });
    expect(status.subgraphs.user).toEqual({ state: 'unavailable', circuit: 'closed' });
    expect(status.subgraphs.payment.state).toBe('unavailable');
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin, and gives a refused origin no CORS headers', async () => {
    const gw = await gateway(urlA, { CORS_ORIGINS: 'https://studio.apollographql.com, https://app.example.com' });
    const preflight = (origin: string) =>
      fetch(`${gw.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await preflight('https://evil.example.net');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-headers')).toBeNull();
    // A simple request from an allowed origin can read the answer and its request id.
    const post = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://studio.apollographql.com', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    expect(post.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });

  it('admits the hosted Sandbox by default in development, and nothing by default in production', () => {
    expect(readGatewayConfig({ ...env, NODE_ENV: 'development' }).corsOrigins).toEqual(['https://studio.apollographql.com']);
    expect(readGatewayConfig({ ...env, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SERVICE_JWT_KEYS: `k1:${'y'.repeat(40)}` }).corsOrigins).toEqual([]);
  });
});

describe('Apollo Sandbox', () => {
  it('opens with schema/operations/sandbox.graphql, and is off when GRAPHQL_SANDBOX is false', async () => {
    const html = async (gw: Gateway) => (await fetch(`${gw.url}/`, { headers: { accept: 'text/html' } })).text();
    const page = await html(await gateway(urlA, { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' }));
    const document = readFileSync(resolve(__dirname, '../../schema/operations/sandbox.graphql'), 'utf8');
    const embedded = /embeddedSandboxConfig = (\{.*\});\s*$/m.exec(page);
    expect(JSON.parse(embedded![1]).initialState.document).toBe(document);
    const off = await html(await gateway(urlA, { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000', GRAPHQL_SANDBOX: 'false' }));
    expect(off).not.toContain('embeddedSandboxConfig');
  });
});

describe('METRICS_ENABLED=false', () => {
  it('leaves metrics out of the gateway and the subgraphs: no port, /metrics 404, nothing counted; requests are answered as before', async () => {
    const off = await initTestApp(workspaceSubgraph, { env: { ...env, METRICS_ENABLED: 'false' }, subgraphs: noAudit });
    subgraphs.push(off);
    const url = await listen(off);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(404);
    expect(await metrics.json()).toEqual({ error: 'metrics are off (METRICS_ENABLED=false)', service: 'workspace' });
    const gw = await gateway(url, { METRICS_ENABLED: 'false' });
    expect(gw.metricsUrl).toBeUndefined();

    const res = await gql<{ workspaces: { totalCount: number } }>(gw.url, WORKSPACES, {}, { 'x-forwarded-for': '192.0.2.77' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.workspaces.totalCount).toBeGreaterThanOrEqual(0);
    // Nothing sampled in the background (no process_* or nodejs_* families), nothing counted per request or statement.
    const text = await off.metrics.registry.metrics();
    expect(text).not.toMatch(/^process_cpu|^nodejs_eventloop/m);
    expect((await off.metrics.requests.get()).values).toEqual([]);
    expect((await off.metrics.sqlStatements.get()).values[0]?.value ?? 0).toBe(0);

    // The same subgraph with metrics on (the default) serves them, with the request counted.
    const on = await gateway(urlA);
    await gql(on.url, WORKSPACES, {}, { 'x-forwarded-for': '192.0.2.78' });
    expect(on.metricsUrl).toMatch(/^http:\/\/localhost:\d+\/metrics$/);
    const served = await (await fetch(on.metricsUrl!)).text();
    expect(served).toMatch(/^wsb_graphql_requests_total\{.*operation="workspaces".*\} [1-9]/m);
    expect(await (await fetch(`${urlA}/metrics`)).text()).toMatch(/^process_cpu_user_seconds_total/m);
  });

  it('refuses a value that is not true or false', () => {
    expect(() => readGatewayConfig({ ...env, METRICS_ENABLED: 'maybe' })).toThrow(/METRICS_ENABLED must be true or false/);
  });
});
