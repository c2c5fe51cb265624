/**
 * The gateway's calls to a subgraph go through a circuit breaker per subgraph, with the timeout:
 * a subgraph that keeps failing is cut off (its part of a query fails fast with
 * DEPENDENCY_UNAVAILABLE naming it, without a call), and a half-open probe lets it back in.
 * A real workspace subgraph sits behind a small proxy whose mode the test switches.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '@wsb/kernel';
import { initTestApp, stubServices, type TestApp } from '@wsb/kernel/src/testing';
import { workspaceSubgraph } from '../../subgraphs/workspace/src/subgraph';
import { readGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/server';
import { gql } from '../../test/support/client';

const env = {
  RATE_LIMIT_KEY_PREFIX: `gwcb-${randomBytes(4).toString('hex')}`,
  SERVICE_JWT_KEYS: 'k1:gateway-test-service-key-0123456789abcdef',
  JWT_SECRET: 'gateway-test-user-secret-0123456789abcdef',
};
let mode: 'ok' | 'down' | 'slow' = 'ok';
let hits = 0;
let subgraph: TestApp<any, any>;
const servers: http.Server[] = [];
let gateway: Gateway;

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  subgraph = await initTestApp(workspaceSubgraph, { env, subgraphs: stubServices({}).client });
  const real = await listen(createHttpApp(subgraph) as unknown as http.RequestListener);
  const proxy = await listen(async (req, res) => {
    hits++;
    if (mode === 'down') return void req.socket.destroy();
    if (mode === 'slow') return; // never answers
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${real}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
    res
      .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
      .end(Buffer.from(await upstream.arrayBuffer()));
  });
  gateway = await createGateway(
    readGatewayConfig({
      ...process.env,
      ...env,
      GATEWAY_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      WORKSPACE_SERVICE_URL: proxy,
      CIRCUIT_BREAKER_THRESHOLD: '3',
      CIRCUIT_BREAKER_RESET_MS: '500',
      SERVICE_TIMEOUT_MS: '700',
    }),
  );
});
afterAll(async () => {
  await gateway.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await subgraph.close();
});

const QUERY = '{ workspaces { totalCount } }';
async function timed() {
  const started = Date.now();
  const res = await gql(gateway.url, QUERY);
  return { res, ms: Date.now() - started };
}

describe('circuit breaker per subgraph at the gateway', () => {
  it('times out a subgraph that hangs, opens after the threshold, fails fast without calling, and closes after a good probe', async () => {
    expect((await timed()).res.data).toEqual({ workspaces: { totalCount: 0 } });

    mode = 'slow';
    for (let i = 0; i < 3; i++) {
      const { res, ms } = await timed();
      expect(res.errors?.[0]).toMatchObject({
        message: 'The workspace service is unavailable; please try again shortly.',
        extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'workspace' },
      });
      expect(ms).toBeGreaterThanOrEqual(650); // waited for the timeout
      expect(ms).toBeLessThan(2500);
    }

    // Open: answered at once, and the subgraph is not even called.
    const before = hits;
    const { res, ms } = await timed();
    expect(res.errors?.[0]).toMatchObject({
      message: 'The workspace service is unavailable (circuit open); please try again shortly.',
      extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'workspace' },
    });
    expect(ms).toBeLessThan(200);
    expect(hits).toBe(before);

    // Healthy again: after the reset time one probe goes through and closes the circuit.
    mode = 'ok';
    await new Promise((r) => setTimeout(r, 600));
    expect((await timed()).res.data).toEqual({ workspaces: { totalCount: 0 } });
    expect((await timed()).res.data).toEqual({ workspaces: { totalCount: 0 } });
  });

  it('counts a dropped connection as a failure, and a failed probe reopens the circuit', async () => {
    mode = 'down';
    for (let i = 0; i < 3; i++) expect((await timed()).res.errors?.[0].extensions?.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect((await timed()).res.errors?.[0].message).toMatch(/circuit open/);
    await new Promise((r) => setTimeout(r, 600));
    const probe = await timed();
    expect(probe.res.errors?.[0].message).toBe('The workspace service is unavailable; please try again shortly.');
    // The probe failed: open again straight away.
    const before = hits;
    expect((await timed()).res.errors?.[0].message).toMatch(/circuit open/);
    expect(hits).toBe(before);
    mode = 'ok';
  });
});
