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

const REDACTED = new Set<string>(REDACTED_KEYS);
const CENSOR = '[redacted]';

/** Only plain objects are looked into: an Error keeps its class (its serializer needs it), an array its shape. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A line's fields with every REDACTED key censored at the top, one object down, and in a `headers`
 * object one object down; the same object when there is nothing to censor (the usual case: one pass
 * over the keys, no copy). Objects are copied, never changed: the caller's stay as they were.
 * One pass instead of pino's `redact` paths (a key, `*.key`, `headers.key`, `*.headers.key` for each
 * of 14 keys), whose wildcards were walked for every line: a profile put 0.3 ms of CPU per booking there.
 */
export function redactFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let out = fields;
  for (const key in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
    const value = fields[key];
    let replaced: unknown = value;
    if (REDACTED.has(key)) replaced = CENSOR;
    else if ((depth === 0 || (depth === 1 && key === 'headers')) && isPlainObject(value)) replaced = redactFields(value, depth + 1);
    if (replaced !== value) {
      if (out === fields) out = { ...fields };
      out[key] = replaced;
    }
  }
  return out;
}

function wrap(logger: pino.Logger): Logger {
  return {
    debug: (msg, fields) => logger.debug(fields ?? {}, msg),
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
    error: (msg, fields) => logger.error(fields ?? {}, msg),
    child: (fields) => wrap(logger.child(redactFields(fields))),
  };
}

/** `destination` is for tests; processes log to stdout. */
export function createLogger(base: Record<string, unknown>, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: redactFields(base),
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redactFields(fields) },
      // An error anywhere in a line's fields keeps its name, message and stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      // Only when tracing is on: otherwise no per-line cost at all.
      ...(tracingEnabled() ? { mixin: () => activeTraceIds() ?? {} } : {}),
    },
    destination ?? stdoutLines(),
  );
  return wrap(logger);
}

/**
 * The process's lines go to stdout (fd 1, whatever captures it: dev.sh's log files, a container
 * runtime) in batches: written synchronously once 4 KiB are waiting, every 100 ms whatever waits,
 * and at exit. One write per request line cost about 0.3 ms of CPU per booking over the platform's
 * processes (docs/benchmarks.md, "Tracing's cost"). Synchronous writes, so nothing is in flight
 * when the process exits; a process killed outright (SIGKILL) loses at most its last 100 ms.
 * One destination per process, shared by all its loggers.
 */
let stdout: ReturnType<typeof pino.destination> | undefined;
function stdoutLines(): DestinationStream {
  if (!stdout) {
    const lines = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 100 }) as ReturnType<typeof pino.destination> & { minLength: number };
    // At exit, what waits is written, and every line after it (other 'exit' listeners') at once.
    process.once('exit', () => {
      lines.minLength = 0;
      try {
        lines.flushSync();
      } catch {
        // stdout closed: nowhere left to write
      }
    });
    stdout = lines;
  }
  return stdout;
}

/** Writes every line still waiting in this process's stdout batch now (the ones before a point a test reads). */
export function flushLogs(): void {
  stdout?.flushSync();
}
