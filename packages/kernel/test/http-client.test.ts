/**
 * The kernel's HTTP client between services: a kept-alive connection the server closed as it was
 * reused is sent again once, on a connection of its own, even when every pooled connection is stale.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { postText } from '../src/http-client';

/**
 * A server that answers the first request on each connection with keep-alive, and closes the
 * connection without an answer when a second request arrives on it: every pooled connection is
 * one the server has closed as it was reused.
 */
async function closingOnReuse(): Promise<{ url: string; connections: () => number; answered: () => number; close(): Promise<void> }> {
  let connections = 0;
  let answered = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let requests = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // One whole request: head and a body of content-length bytes.
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        if (++requests > 1) return void socket.destroy();
        answered++;
        const body = JSON.stringify({ data: { n: answered } });
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    connections: () => connections,
    answered: () => answered,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('postText', () => {
  it('sends a request again on a fresh connection when the kept-alive ones it reused were closed, however many are stale', async () => {
    const server = await closingOnReuse();
    try {
      // Three calls at once: three connections, each answered once and kept in the pool.
      const first = await Promise.all([1, 2, 3].map(() => postText(server.url, { 'content-type': 'application/json' }, '{}', 2000)));
      expect(first.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(server.connections()).toBe(3);
      // Each of the next calls reuses a pooled connection the server closes on it; each is answered all the same.
      const again = await Promise.all([1, 2, 3].map(() => postText(server.url, { 'content-type': 'application/json' }, '{}', 2000)));
      expect(again.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(server.answered()).toBe(6);
      const more = await postText(server.url, { 'content-type': 'application/json' }, '{}', 2000);
      expect(JSON.parse(more.text).data.n).toBe(7);
    } finally {
      await server.close();
    }
  });

  it('does not send again what failed on a new connection', async () => {
    const refused = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    let connections = 0;
    refused.on('connection', () => connections++);
    try {
      const url = `http://127.0.0.1:${(refused.address() as AddressInfo).port}/graphql`;
      await expect(postText(url, {}, '{}', 2000)).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(connections).toBe(1);
    } finally {
      await new Promise((resolve) => refused.close(resolve));
    }
  });
});
