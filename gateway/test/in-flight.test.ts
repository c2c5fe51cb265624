/**
 * The gateway merges identical subgraph queries in flight, and only those: the key is the request
 * as sent, service token included, so two users asking the same thing at once each get their own
 * answer, and a mutation is never merged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreakers, bearer, createLogger, parseServiceKeys, verifyServiceToken } from '@wsb/kernel';
import { SignedDataSource } from '../src/data-source';

const keys = parseServiceKeys('k1:in-flight-test-service-key-0123456789abcdef', []);
const ada = { id: '00000000-0000-4000-8000-00000000000a', role: 'MEMBER' as const };
const bob = { id: '00000000-0000-4000-8000-00000000000b', role: 'MEMBER' as const };

let server: http.Server;
let received: { user?: string; body: string }[] = [];
let source: SignedDataSource;

beforeAll(async () => {
  // A subgraph that answers, after a moment, with the user its service token names.
  server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const identity = await verifyServiceToken(bearer(req.headers.authorization) ?? '', keys);
    received.push({ user: identity?.user?.id, body });
    await new Promise((r) => setTimeout(r, 100));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: { me: { id: identity?.user?.id ?? null, seen: received.length } } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const breakers = new CircuitBreakers({ threshold: 5, resetMs: 10_000 }, createLogger({ service: 'test' }, 'error'));
  source = new SignedDataSource('user', url, keys, 5000, breakers);
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => (received = []));

const ask = (query: string, user: typeof ada) =>
  source.process({
    kind: 'incoming operation', // GraphQLDataSourceRequestKind.INCOMING_OPERATION
    request: { query, variables: { first: 1 } },
    context: { requestId: 'r', user, clientIp: '203.0.113.1' },
    incomingRequestContext: {} as never,
    pathInIncomingRequest: [],
  } as never);

it('sends one request per user for 40 identical concurrent queries, and answers each user with their own data', async () => {
  const users = Array.from({ length: 40 }, (_, i) => (i % 2 ? ada : bob));
  const answers = await Promise.all(users.map((user) => ask('query Me($first: Int) { me { id seen } }', user)));
  answers.forEach((answer, i) => expect((answer.data as any).me.id).toBe(users[i].id));
  expect(received.map((r) => r.user).sort()).toEqual([ada.id, bob.id].sort());
  // Each caller got an object of its own (the gateway merges into what it receives).
  const adas = answers.filter((_, i) => i % 2);
  expect(adas[0].data).not.toBe(adas[1].data);
  expect(adas[0].data).toEqual(adas[1].data);
});

it('never merges mutations, even identical ones from one user', async () => {
  await Promise.all(Array.from({ length: 5 }, () => ask('mutation Touch { me { id seen } }', ada)));
  expect(received).toHaveLength(5);
});

it('sends a query again once the first one has answered', async () => {
  await ask('{ me { id seen } }', ada);
  await ask('{ me { id seen } }', ada);
  expect(received).toHaveLength(2);
});
