/**
 * JSON-lines logs through pino: one object per line on stdout, readable by any log shipper, with
 * `time` (ISO), `level` (a name), the logger's fields (`service`, `requestId`...), the line's own
 * fields and `msg`. Secrets and tokens are redacted wherever they appear in a line's fields (at the
 * top level or one object down), so a careless `log.info('x', { input })` cannot leak a password.
 * With tracing on (OTEL_EXPORTER_OTLP_ENDPOINT), a line written inside a traced operation also has
 * its `traceId` and `spanId`, so a request's lines and its trace find each other.
 */
import pino, { type DestinationStream } from 'pino';
import { activeTraceIds, tracingEnabled } from './tracing';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Keys whose values never reach a log line. */
const REDACTED_KEYS = [
  'password',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'secret',
  'jwtSecret',
  'serviceKeys',
  'SERVICE_JWT_KEYS',
  'JWT_SECRET',
  'smtpUrl',
  'SMTP_URL',
] as const;

const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `headers.${key}`, `*.headers.${key}`]);

function wrap(logger: pino.Logger): Logger {
  return {
    debug: (msg, fields) => logger.debug(fields ?? {}, msg),
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
    error: (msg, fields) => logger.error(fields ?? {}, msg),
    child: (fields) => wrap(logger.child(fields)),
  };
}

/** `destination` is for tests; processes log to stdout. */
export function createLogger(base: Record<string, unknown>, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // An error anywhere in a line's fields keeps its name, message and stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      // Only when tracing is on: otherwise no per-line cost at all.
      ...(tracingEnabled() ? { mixin: () => activeTraceIds() ?? {} } : {}),
    },
    // process.stdout (synchronous for files and pipes), so whatever captures stdout sees the lines.
    destination ?? process.stdout,
  );
  return wrap(logger);
}
