/**
 * The GraphQL fast path (src/graphql-http.ts) and a body over its limit: the client gets the 413
 * even while it is still sending (the rest is read and thrown away), and a body that goes on past
 * the discard bound has its connection cut.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { createLogger, graphqlFastPath } from '../src';

const LIMIT = 1000;
const TOO_LARGE = { errors: [{ message: 'The request body is too large.', extensions: { code: 'BAD_USER_INPUT' } }] };

/** What the fast path logs: nothing, in these cases. */
const logged: string[] = [];
let apollo: ApolloServer;
let server: http.Server;
let url: string;

beforeAll(async () => {
  apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  await apollo.start();
  const fallback: http.RequestListener = (_req, res) => res.writeHead(404).end();
  const listener = graphqlFastPath(
    {
      server: apollo,
      paths: ['/graphql'],
      maxBodyBytes: LIMIT,
      context: async () => ({}),
      log: createLogger({ service: 'test' }, 'warn', { write: (line: string) => void logged.push(line) }),
    },
    fallback,
  );
  server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await apollo.stop();
});

const post = (body: string | ReadableStream, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);

it('answers a body within the limit', async () => {
  const res = await post(JSON.stringify({ query: '{ hello }' }));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { hello: 'world' } });
});

/** The body in 64 KiB chunks a millisecond apart: still being sent when the server answers. */
const slowly = (body: string) =>
  new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const [head, rest] = [body.slice(0, 64 * 1024), body.slice(64 * 1024)];
      body = rest;
      if (head) controller.enqueue(new TextEncoder().encode(head));
      if (!rest) controller.close();
    },
  });

it('answers 413 to a 2 MB body the client is still sending, declared or not', async () => {
  const body = JSON.stringify({ query: '{ hello }', variables: { pad: 'x'.repeat(2_000_000) } });
  for (let i = 0; i < 3; i++) {
    const declared = await post(slowly(body), { 'content-length': String(Buffer.byteLength(body)) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual(TOO_LARGE);
    // Chunked: the size is known only once the limit is passed while reading.
    const chunked = await post(slowly(body));
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toEqual(TOO_LARGE);
  }
});

it('cuts the connection of a body that goes on past the discard bound, after the 413', async () => {
  const { port } = server.address() as AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined); // writes after the cut fail: expected
  socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`);
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  let sent = 0;
  while (!socket.destroyed && sent < 40) {
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
    sent += 1;
  }
  await closed;
  expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  // Cut after 16 MB more: long before the 100 MB it announced (each write is 1 MB).
  expect(sent).toBeLessThan(40);
});

it('lets a caller go away in the middle of its body, logging nothing and answering the next', async () => {
  const { port } = server.address() as AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"query": "{ hel`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const res = await post(JSON.stringify({ query: '{ hello }' }));
  expect(await res.json()).toEqual({ data: { hello: 'world' } });
  expect(logged).toEqual([]);
});
