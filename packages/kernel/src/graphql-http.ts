/**
 * POST with a JSON body, straight to Apollo: the gateway and every subgraph answer thousands of
 * these a second, and Express's router, body parser, content negotiation and ETag were a sixth of
 * a small request's CPU. Everything else (GET, other paths and content types, a compressed or
 * non-UTF-8 body, and whatever `accepts` leaves out) goes to the fallback (Express), which answers
 * exactly as before; the errors here are the ones jsonErrorHandler gives for the same cases.
 */
import type http from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from './logger';

export interface GraphQLFastPath<C extends BaseContext> {
  server: ApolloServer<C>;
  /** The paths GraphQL is served at, without a query string. */
  paths: readonly string[];
  /** A larger body is refused with 413, as express.json({ limit }) does. */
  maxBodyBytes: number;
  /** The request's context, as the Express middleware's context function would make it. */
  context(req: http.IncomingMessage, res: http.ServerResponse): Promise<C>;
  log: Logger;
  /** Requests the fast path may take (default: all that qualify); the rest go to the fallback. */
  accepts?(req: http.IncomingMessage): boolean;
  /** Runs the handling of one request, e.g. inside its request scope (default: as is). */
  around?(req: http.IncomingMessage, serve: () => void): void;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/** A JSON body the fast path can read: UTF-8 (or no charset said), not compressed. */
function plainJson(req: http.IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) return false;
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return false;
  const encoding = req.headers['content-encoding'];
  return encoding === undefined || encoding.toLowerCase() === 'identity';
}

export function graphqlFastPath<C extends BaseContext>(options: GraphQLFastPath<C>, fallback: http.RequestListener): http.RequestListener {
  const paths = new Set(options.paths);
  const around = options.around ?? ((_req, serve) => serve());
  return (req, res) => {
    const url = req.url ?? '';
    const at = url.indexOf('?');
    if (req.method !== 'POST' || !paths.has(at < 0 ? url : url.slice(0, at)) || !plainJson(req) || (options.accepts && !options.accepts(req))) {
      return fallback(req, res);
    }
    around(req, () => {
      serve(options, req, res, at < 0 ? '' : url.slice(at)).catch((err) => {
        if (req.destroyed || (err as NodeJS.ErrnoException)?.code === 'ECONNRESET') return void res.destroy(); // the caller went away
        options.log.error('request failed before GraphQL', { err });
        if (!res.headersSent) sendJsonError(res, 500, 'Internal error.', 'INTERNAL_SERVER_ERROR');
        else res.destroy();
      });
    });
  };
}

async function serve<C extends BaseContext>(options: GraphQLFastPath<C>, req: http.IncomingMessage, res: http.ServerResponse, search: string): Promise<void> {
  const declared = Number(req.headers['content-length']);
  const raw = declared > options.maxBodyBytes ? undefined : await readBody(req, options.maxBodyBytes);
  if (raw === undefined) return tooLarge(req, res);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return sendJsonError(res, 400, 'The request body is not valid JSON.');
  }
  if (body === null || typeof body !== 'object') return sendJsonError(res, 400, 'The request body must be a JSON object with a query.');
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const result = await options.server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search, body },
    context: () => options.context(req, res),
  });
  res.statusCode = result.status ?? 200;
  for (const [name, value] of result.headers) res.setHeader(name, value);
  if (result.body.kind === 'complete') return void res.end(result.body.string);
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * The body, or undefined as soon as it passes `max` bytes (then the rest is left to tooLarge).
 * Rejects when the caller goes away first.
 */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // Closed before its end: the caller went away (the request is destroyed, which serve's caller checks).
    req.once('close', () => reject(new Error('The caller went away before the body was read.')));
  });
}

/**
 * Past the 413, what is still coming of a body too large is read and thrown away (a lingering
 * close, RFC 9112 section 9.6), so a client still sending it reads the answer instead of a reset
 * connection (closed at once, a 2 MB upload from another process failed with EPIPE). Bounded: past
 * DISCARD_MAX_BYTES more, or DISCARD_MAX_MS, the connection is cut.
 */
const DISCARD_MAX_BYTES = 16 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
  sendJsonError(res, 413, 'The request body is too large.');
  if (req.complete) return;
  let discarded = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, DISCARD_MAX_MS).unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) cut();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

function sendJsonError(res: http.ServerResponse, status: number, message: string, code = 'BAD_USER_INPUT'): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
