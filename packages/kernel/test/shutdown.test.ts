import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { httpDrainer } from '../src/shutdown';

/** A server whose requests take `?ms=` milliseconds to answer. */
async function slowServer() {
  const server = http.createServer((req, res) => {
    const ms = Number(new URL(req.url!, 'http://x').searchParams.get('ms') ?? 0);
    const timer = setTimeout(() => res.end(`done after ${ms}`), ms);
    res.once('close', () => clearTimeout(timer));
  });
  const drainer = httpDrainer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, drainer, port: (server.address() as AddressInfo).port };
}

/** One request on a keep-alive agent: status, body and the Connection header. */
function get(port: number, path: string, agent: http.Agent): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}

describe('httpDrainer', () => {
  it('lets the requests in flight finish, with Connection: close, closes idle keep-alive connections and refuses new ones', async () => {
    const { drainer, port } = await slowServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    // An idle keep-alive connection (its request is done) and three requests in flight.
    expect(await get(port, '/?ms=0', agent)).toMatchObject({ status: 200, connection: 'keep-alive' });
    const idle = agent.freeSockets[Object.keys(agent.freeSockets)[0]]![0];
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));
    const inFlight = [300, 400, 500].map((ms) => get(port, `/?ms=${ms}`, agent));
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    const drained = drainer.drain(5000);
    expect(drainer.draining).toBe(true);
    await idleClosed;
    await expect(get(port, '/?ms=0', new http.Agent())).rejects.toThrow(/ECONNREFUSED/);
    expect(await Promise.all(inFlight)).toEqual([300, 400, 500].map((ms) => ({ status: 200, body: `done after ${ms}`, connection: 'close' })));
    expect(await drained).toEqual({ graceful: true, inFlight: 3 });
    expect(Date.now() - started).toBeLessThan(2000);
    agent.destroy();
  });

  it('cuts what is still open after the timeout and says so', async () => {
    const { drainer, port } = await slowServer();
    const slow = get(port, '/?ms=10000', new http.Agent()).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    expect(await drainer.drain(300)).toEqual({ graceful: false, inFlight: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await slow).toMatchObject({ message: expect.stringMatching(/socket hang up|ECONNRESET/) });
  });
});

describe('httpDrainer and a connection accepted just before the drain', () => {
  it('still reads and answers the request it brings, then closes it', async () => {
    const { drainer, port } = await slowServer();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    await new Promise((r) => setTimeout(r, 50)); // accepted by the server, no request yet
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    const ended = new Promise((resolve) => socket.once('end', resolve));
    const drained = drainer.drain(5000);
    // Its request arrives after the drain began (as a request queued behind a busy event loop would).
    await new Promise((r) => setTimeout(r, 200));
    socket.write('GET /?ms=100 HTTP/1.1\r\nHost: x\r\n\r\n');
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer).toMatch(/done after 100$/);
    expect(await drained).toEqual({ graceful: true, inFlight: 0 });
    socket.destroy();
  });
});

describe('httpDrainer while connections keep arriving', () => {
  it('counts a request in flight at the signal even when it finishes while the queued connections are still being taken', async () => {
    const { drainer, port } = await slowServer();
    const answer = get(port, '/?ms=40', new http.Agent());
    await new Promise((r) => setTimeout(r, 10)); // its request is being handled
    // Connections arriving every millisecond keep the drain taking them for a while (as a burst of
    // clients connecting does); the request above finishes meanwhile.
    const sockets: net.Socket[] = [];
    const arriving = setInterval(() => sockets.push(net.connect(port, '127.0.0.1').on('error', () => undefined)), 1);
    const drained = drainer.drain(5000);
    await new Promise((r) => setTimeout(r, 150));
    clearInterval(arriving);
    expect(await answer).toMatchObject({ status: 200, body: 'done after 40', connection: 'close' });
    expect(await drained).toEqual({ graceful: true, inFlight: 1 });
    for (const socket of sockets) socket.destroy();
  });
});
