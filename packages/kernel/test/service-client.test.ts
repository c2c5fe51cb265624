/** The inter-service client against real HTTP servers: timeout, error mapping, circuit breaker. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { EnvReader, readPlatformConfig, type ServiceName } from '../src/config';
import { verifyServiceToken } from '../src/identity';
import { createLogger } from '../src/logger';
import { createServiceClient, fetchEntities, operationText, type ServiceClient } from '../src/service-client';
import { listenLocally } from '../src/testing';

const OK: TypedDocumentNode<{ ok: boolean }, Record<string, never>> = parse('{ ok }');

type Mode = 'ok' | 'fail' | 'slow' | 'not-found';
let mode: Mode = 'ok';
let hits = 0;
let lastAuthorization = '';
let server: Awaited<ReturnType<typeof listenLocally>>;
let url: string;

beforeAll(async () => {
  server = await listenLocally((req, res) => {
    hits++;
    lastAuthorization = req.headers.authorization ?? '';
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (mode === 'fail') return json(500, { errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    if (mode === 'not-found') return json(200, { errors: [{ message: 'Workspace x was not found.', extensions: { code: 'NOT_FOUND' } }] });
    if (mode === 'slow') return setTimeout(() => json(200, { data: { ok: true } }), 4000);
    return json(200, { data: { ok: true } });
  });
  url = server.url;
});
afterAll(() => server.close());
beforeEach(() => {
  mode = 'ok';
  hits = 0;
});

function client(env: Record<string, string> = {}) {
  const config = readPlatformConfig(
    new EnvReader({ PAYMENT_SERVICE_URL: url, CIRCUIT_BREAKER_THRESHOLD: '3', CIRCUIT_BREAKER_RESET_MS: '300', SERVICE_TIMEOUT_MS: '1500', ...env }),
  );
  return { config, client: createServiceClient(config, 'booking', createLogger({ service: 'test' }, 'error')) };
}
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e) => e.code,
  );
const payment: ServiceName = 'payment';

describe('service client', () => {
  it('signs every call with the caller and the end user', async () => {
    const { config, client: c } = client();
    await c.request(payment, OK, {}, { user: { id: 'u1', role: 'MEMBER' } });
    const identity = await verifyServiceToken(lastAuthorization.replace('Bearer ', ''), config.serviceKeys);
    expect(identity).toMatchObject({ caller: 'booking', user: { id: 'u1', role: 'MEMBER' } });
  });

  it('keeps the code of an answer with a domain error, and it does not trip the breaker', async () => {
    const { client: c } = client();
    mode = 'not-found';
    for (let i = 0; i < 5; i++) expect(await outcome(c.request(payment, OK, {}))).toBe('NOT_FOUND');
    expect(c.breakerState!(payment)).toBe('closed');
  });

  it('times out slow calls as DEPENDENCY_UNAVAILABLE', async () => {
    const { client: c } = client();
    mode = 'slow';
    const started = Date.now();
    expect(await outcome(c.request(payment, OK, {}))).toBe('DEPENDENCY_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('opens after repeated failures, fails fast without calling, and recovers through a half-open probe', async () => {
    const { client: c } = client();
    mode = 'fail';
    for (let i = 0; i < 3; i++) expect(await outcome(c.request(payment, OK, {}))).toBe('DEPENDENCY_UNAVAILABLE');
    expect(c.breakerState!(payment)).toBe('open');
    const before = hits;
    const started = Date.now();
    const fast = await c.request(payment, OK, {}).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(50);
    expect(hits).toBe(before); // not even sent
    expect(fast.message).toBe('The payment service is unavailable (circuit open); please try again shortly.');
    mode = 'ok';
    await new Promise((r) => setTimeout(r, 350));
    expect(await outcome(c.request(payment, OK, {}))).toBe('OK');
    expect(c.breakerState!(payment)).toBe('closed');
  });

  it('reopens when the half-open probe fails', async () => {
    const { client: c } = client();
    mode = 'fail';
    for (let i = 0; i < 3; i++) await outcome(c.request(payment, OK, {}));
    await new Promise((r) => setTimeout(r, 350));
    expect(await outcome(c.request(payment, OK, {}))).toBe('DEPENDENCY_UNAVAILABLE');
    expect(c.breakerState!(payment)).toBe('open');
  });
});

describe('typed operations', () => {
  type Entities = { _entities: ({ __typename: 'User'; id: string; email: string } | { __typename: 'Booking' } | null)[] };
  const LOOKUP: TypedDocumentNode<Entities, { representations: Record<string, unknown>[] }> = parse(
    'query Lookup($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on User { id email } } }',
  );

  it('sends the document printed once, and fetchEntities asks for typed representations in order', async () => {
    const sent: { query: string; variables: Record<string, unknown> }[] = [];
    const client: ServiceClient = {
      async request(_service, document, variables) {
        sent.push({ query: operationText(document), variables });
        return { _entities: [{ __typename: 'Booking' }, null, { __typename: 'User', id: 'u2', email: 'b@example.com' }] } as never;
      },
    };
    const found = await fetchEntities(client, 'user', LOOKUP, 'User', ['u0', 'u1', 'u2']);
    expect(found).toEqual([null, null, { __typename: 'User', id: 'u2', email: 'b@example.com' }]);
    expect(sent[0].variables).toEqual({ representations: ['u0', 'u1', 'u2'].map((id) => ({ __typename: 'User', id })) });
    expect(sent[0].query).toContain('_entities(representations: $representations)');
    expect(operationText(LOOKUP)).toBe(sent[0].query);
  });
});
