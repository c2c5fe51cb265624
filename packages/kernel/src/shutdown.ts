/**
 * Graceful shutdown of an HTTP server: stop accepting connections, let the requests already
 * accepted finish (bounded by a timeout), and hand no keep-alive connection a new request while
 * the process goes away.
 *
 * Node's own `server.close()` is not enough under load: it destroys every connection that is not
 * in the middle of a request, including ones accepted a moment ago whose request has arrived but
 * not been read yet (reset at the client), and a busy keep-alive connection would take its next
 * request after the one in flight. So here: connections the kernel has queued are accepted first,
 * the listening socket closes without that sweep, every response written while draining says
 * `Connection: close` and ends its connection, a keep-alive connection that is idle is ended at
 * once, and a fresh one gets a moment for its request to be read.
 */
import type http from 'node:http';
import net, { type Socket } from 'node:net';

export interface HttpDrainer {
  /** True from the moment drain() is called: /ready answers 503, responses close their connections. */
  readonly draining: boolean;
  /**
   * Stops accepting connections and waits for the requests in flight; after `timeoutMs` the
   * connections still open are destroyed. Resolves with whether everything finished in time and
   * how many requests were in flight when it began (with those that began on the connections it
   * took before closing the listener).
   */
  drain(timeoutMs: number): Promise<{ graceful: boolean; inFlight: number }>;
}

/** How long a connection accepted just before the drain may take to deliver its request. */
const FRESH_CONNECTION_GRACE_MS = 1000;

interface Connection {
  inFlight: number;
  served: number;
}

export function httpDrainer(server: http.Server): HttpDrainer {
  const connections = new Map<Socket, Connection>();
  const responses = new Set<http.ServerResponse>();
  let draining = false;
  let accepted = 0;
  let requests = 0;
  server.on('connection', (socket: Socket) => {
    accepted++;
    connections.set(socket, { inFlight: 0, served: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    const connection = connections.get(socket) ?? { inFlight: 0, served: 0 };
    connections.set(socket, connection);
    connection.inFlight++;
    connection.served++;
    requests++;
    responses.add(res);
    if (draining) closeAfter(res);
    res.once('close', () => {
      responses.delete(res);
      connection.inFlight--;
      if (draining && connection.inFlight === 0) socket.end();
    });
  });
  const endIdle = (fresh: boolean) => {
    for (const [socket, c] of connections) if (c.inFlight === 0 && (fresh || c.served > 0)) socket.end();
  };

  return {
    get draining() {
      return draining;
    },
    async drain(timeoutMs) {
      draining = true;
      // Counted at the signal, plus the requests that begin while the queued connections are taken
      // below: those turns may last long enough on a busy process for the requests in flight at the
      // signal to finish before they end.
      const inFlightAtSignal = [...connections.values()].reduce((sum, c) => sum + c.inFlight, 0);
      const requestsAtSignal = requests;
      // Responses not yet started close their connection after themselves.
      for (const res of responses) closeAfter(res);
      // One turn of the event loop accepts every connection the kernel has queued (closing the
      // listening socket would reset them), then the listener closes. net.Server's close, not
      // http.Server's, which would also destroy connections whose request is not read yet.
      // Turns of the loop until one accepts nothing new (at most 50): connections still arriving
      // from clients that sent before the signal are taken, not reset with the listener.
      for (let turn = 0, seen = -1; turn < 50 && seen !== accepted; turn++) {
        seen = accepted;
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const inFlight = inFlightAtSignal + (requests - requestsAtSignal);
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      endIdle(false);
      const fresh = setTimeout(() => endIdle(true), Math.min(FRESH_CONNECTION_GRACE_MS, timeoutMs));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
      const late = await Promise.race([closed.then(() => false), timedOut]);
      clearTimeout(timer);
      clearTimeout(fresh);
      if (late) {
        for (const [socket] of connections) socket.destroy();
        await closed;
      }
      return { graceful: !late, inFlight };
    },
  };
}

function closeAfter(res: http.ServerResponse): void {
  if (res.headersSent) return;
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
}
