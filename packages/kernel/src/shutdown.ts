/**
 * Graceful shutdown of an HTTP server: stop accepting connections, let the requests already
 * accepted finish (bounded by a timeout), and make sure no keep-alive connection is handed a new
 * request while the process goes away. Node's own `server.close()` stops listening and closes
 * idle connections, but a keep-alive connection busy with a request would take the next request
 * after it and lose it; here every response written while draining says `Connection: close`, and
 * a connection whose last request finished is ended at once.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';

export interface HttpDrainer {
  /** True from the moment drain() is called: /ready answers 503, responses close their connections. */
  readonly draining: boolean;
  /**
   * Stops accepting connections and waits for the requests in flight; after `timeoutMs` the
   * connections still open are destroyed. Resolves with whether everything finished in time.
   */
  drain(timeoutMs: number): Promise<{ graceful: boolean; inFlight: number }>;
}

export function httpDrainer(server: http.Server): HttpDrainer {
  const requestsPerSocket = new Map<Socket, number>();
  const responses = new Set<http.ServerResponse>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    requestsPerSocket.set(socket, 0);
    socket.once('close', () => requestsPerSocket.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    requestsPerSocket.set(socket, (requestsPerSocket.get(socket) ?? 0) + 1);
    responses.add(res);
    if (draining) closeAfter(res);
    res.once('close', () => {
      responses.delete(res);
      const left = (requestsPerSocket.get(socket) ?? 1) - 1;
      requestsPerSocket.set(socket, left);
      if (draining && left === 0) socket.end();
    });
  });
  const inFlight = () => [...requestsPerSocket.values()].reduce((sum, n) => sum + n, 0);

  return {
    get draining() {
      return draining;
    },
    async drain(timeoutMs) {
      draining = true;
      // Responses not yet started close their connection after themselves.
      for (const res of responses) closeAfter(res);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections go now (server.close() does this too on Node >= 19).
      for (const [socket, requests] of requestsPerSocket) if (requests === 0) socket.end();
      const pending = inFlight();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
        timer.unref();
      });
      const late = await Promise.race([closed.then(() => false), timedOut]);
      clearTimeout(timer);
      if (late) {
        for (const [socket] of requestsPerSocket) socket.destroy();
        await closed;
      }
      return { graceful: !late, inFlight: pending };
    },
  };
}

function closeAfter(res: http.ServerResponse): void {
  if (res.headersSent) return;
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
}
