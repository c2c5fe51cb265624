/**
 * POSTs between the platform's own processes: node:http with a keep-alive agent and a timeout.
 * Node's fetch (undici) built Request, Response, Headers and AbortSignal objects for every call,
 * a measurable share of a booking's CPU across its seven hops; these calls need none of that.
 */
import http from 'node:http';
import https from 'node:https';
import { injectTraceContext } from './tracing';

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

class HttpTimeoutError extends Error {
  constructor(url: string, timeoutMs: number) {
    super(`no answer from ${url} within ${timeoutMs} ms`);
  }
}

/**
 * Sends `body` and resolves with the whole answer; rejects on a network error or after `timeoutMs`.
 * A kept-alive connection the server closed just as it was reused fails before the server read
 * anything (ECONNRESET, "socket hang up", or EPIPE on a reused socket): that one case is sent
 * again, once, on a connection of its own. Not through the pool: when the server closed several
 * idle connections at once, the pool's next one is as stale as the first.
 */
export async function postText(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<HttpAnswer> {
  try {
    return await post(url, headers, body, timeoutMs, 'pooled');
  } catch (err) {
    if (!(err as { reusedSocket?: boolean }).reusedSocket || !STALE_CONNECTION.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    return post(url, headers, body, timeoutMs, 'fresh');
  }
}

/** How a write to a kept-alive connection the server has closed fails. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, connection: 'pooled' | 'fresh'): Promise<HttpAnswer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const sent: Record<string, string | number> = { ...headers, 'content-length': Buffer.byteLength(body) };
  injectTraceContext(sent);
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      { method: 'POST', agent: connection === 'pooled' ? agents[target.protocol as keyof typeof agents] : false, headers: sent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: answerHeaders,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(() => request.destroy(new HttpTimeoutError(url, timeoutMs)), timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      if (request.reusedSocket) Object.assign(err, { reusedSocket: true });
      if (connection === 'fresh') Object.assign(err, { retried: true });
      reject(err);
    }
    request.on('error', fail);
    request.end(body);
  });
}
