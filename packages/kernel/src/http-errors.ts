import type { ErrorRequestHandler } from 'express';
import type { Logger } from './logger';

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
          ? 'The request body is not valid JSON.'
          : status < 500
            ? 'The request could not be read.'
            : 'Internal error.';
    if (status >= 500) log.error('request failed before GraphQL', { err });
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR' } }] });
  };
}
