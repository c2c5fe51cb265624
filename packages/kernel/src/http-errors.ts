import type { ErrorRequestHandler } from 'express';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from './logger';

/** JSON that parses but is not an object (`null`, `"text"`, `42`): strict body parsing refuses it too. */
function isJsonButNotObject(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

/**
 * Errors before GraphQL runs (malformed JSON, an oversized body) answer as GraphQL errors too,
 * never as an HTML page with a stack trace.
 */
export function jsonErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err?.type === 'entity.too.large'
        ? 'The request body is too large.'
        : err?.type === 'entity.parse.failed'
          ? isJsonButNotObject(err.body)
            ? 'The request body must be a JSON object with a query.'
            : 'The request body is not valid JSON.'
          : status < 500
            ? 'The request could not be read.'
            : 'Internal error.';
    if (status >= 500) log.error('request failed before GraphQL', { err });
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR' } }] });
  };
}

/**
 * Requests Node's HTTP parser refuses before express sees them (headers over the size limit, a
 * malformed request line) get a GraphQL-shaped JSON error too, instead of a bare status line.
 */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'The request headers are too large.']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', 'The request took too long to arrive.']
          : ['400 Bad Request', 'The request could not be read.'];
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
