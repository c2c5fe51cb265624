/**
 * One mapping from domain and database errors to the `extensions.code` of API.md. Resolvers throw
 * domain errors (or let the database raise); `toClientError` turns anything into a safe GraphQLError.
 */
import { randomUUID } from 'node:crypto';
import {
  DriverException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'BOOKING_CONFLICT',
  'RATE_LIMITED',
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  // The gateway's refusal of a query whose estimated cost is over GRAPHQL_MAX_COST (named as Apollo Router names it).
  'COST_ESTIMATED_TOO_EXPENSIVE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error whose message is meant for the client. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'You must be signed in to do this.') {
    super('UNAUTHENTICATED', message);
  }
}
export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this.') {
    super('FORBIDDEN', message);
  }
}
export class BadUserInputError extends DomainError {
  constructor(message: string, field?: string) {
    super('BAD_USER_INPUT', message, field ? { field } : {});
  }
}
export class NotFoundError extends DomainError {
  constructor(what: string, id?: string) {
    super('NOT_FOUND', id ? `${what} ${id} was not found.` : `${what} was not found.`);
  }
}
export class BookingConflictError extends DomainError {
  constructor(message = 'The workspace is already booked for an overlapping time.') {
    super('BOOKING_CONFLICT', message);
  }
}
export class DependencyUnavailableError extends DomainError {
  constructor(service: string, message?: string) {
    super('DEPENDENCY_UNAVAILABLE', message ?? `The ${service} service is unavailable; please try again shortly.`, { service });
  }
}
export class RateLimitedError extends DomainError {
  constructor(retryAfter: number) {
    super('RATE_LIMITED', `Too many requests; retry in ${retryAfter} seconds.`, { retryAfter });
  }
}

/** PostgreSQL SQLSTATE 23P01: exclusion constraint violated (MikroORM does not map it). */
const EXCLUSION_VIOLATION = '23P01';

function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; sqlState?: unknown };
  if (err instanceof DriverException) return typeof e.code === 'string' ? e.code : (e.sqlState as string | undefined);
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
}

/**
 * SQLSTATE classes and codes that mean "the database cannot be reached right now", not "this
 * request is wrong": 08 connection exceptions, 57P01-57P03 (admin or crash shutdown, cannot connect
 * now: a restart), 53300 too many connections.
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
/** Socket errors of a driver that cannot reach its server. */
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/**
 * What pg and knex say, without any code, when a connection died or none could be had in time
 * (MikroORM puts the statement in front: `insert into ... - Connection terminated unexpectedly`). A
 * transaction whose connection died under it is ended by knex, and its next statement gets
 * "Transaction query already complete".
 */
const UNAVAILABLE_MESSAGES =
  /(?:^|- )(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Knex: Timeout acquiring a connection|Transaction query already complete)/;

/**
 * Whether an error says the database is unreachable (restarting, stopped, its pool starved):
 * the request may well succeed on a retry, so the client gets DEPENDENCY_UNAVAILABLE, not an
 * internal error. MikroORM copies the driver error's code onto its DriverException.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (UNAVAILABLE_STATES.test(e.code) || UNREACHABLE_ERRNOS.has(e.code))) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

export class DatabaseUnavailableError extends DependencyUnavailableError {
  constructor() {
    super('database', 'The database is unavailable; please try again shortly.');
  }
}

/** Maps a thrown value to a DomainError, or undefined when it is an internal failure. */
export function toDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (err instanceof GraphQLError && err.originalError) return toDomainError(err.originalError);
  const state = sqlState(err);
  if (state === EXCLUSION_VIOLATION) return new BookingConflictError();
  if (err instanceof UniqueConstraintViolationException) return new BadUserInputError('That value is already taken.');
  if (err instanceof ForeignKeyConstraintViolationException) return new BadUserInputError('A referenced record does not exist.');
  if (err instanceof NotNullConstraintViolationException) return new BadUserInputError('A required value is missing.');
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailableError();
  return undefined;
}

/** Codes graphql-js and Apollo give malformed requests; clients see them as BAD_USER_INPUT. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * What a client may see. Domain and database errors keep their code and message. Errors that
 * graphql-js or Apollo raise about the request itself (parse, validation, variable coercion) keep
 * their message with BAD_USER_INPUT, and errors already carrying an API code (a subgraph's answer
 * relayed by the gateway) pass through. Anything else becomes INTERNAL_SERVER_ERROR with an id,
 * and the original goes to the log under that id.
 */
export function formatClientError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal: (err: unknown, errorId: string) => void,
): GraphQLFormattedError {
  const domain = toDomainError(error);
  if (domain) {
    return {
      message: domain.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...domain.extensions, code: domain.code },
    };
  }
  const thrown = error instanceof GraphQLError ? error.originalError : error;
  // A subgraph's answer relayed by the gateway arrives as a plain error object, already masked there.
  const fromGraphQL = thrown === undefined || thrown instanceof GraphQLError || !(thrown instanceof Error);
  const code = formatted.extensions?.code;
  if (fromGraphQL && typeof code === 'string') {
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    if (REQUEST_ERROR_CODES.has(code)) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT', reason: code } };
    }
    // An INTERNAL_SERVER_ERROR passes only when it is already masked (a subgraph's, with its id).
    const masked = code !== 'INTERNAL_SERVER_ERROR' || typeof extensions.errorId === 'string';
    if ((ERROR_CODES as readonly string[]).includes(code) && masked) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
  }
  const errorId = randomUUID();
  onInternal(thrown ?? error, errorId);
  return {
    message: `Internal error (id ${errorId}).`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
  };
}

/**
 * Each input validated on its own (a batch from the outbox relay): the valid ones, and per input
 * null or the message of the DomainError it was refused with. Any other error is thrown.
 */
export function validateEach<I, O>(inputs: readonly I[], validate: (input: I) => O): { valid: O[]; errors: (string | null)[] } {
  const valid: O[] = [];
  const errors = inputs.map((input) => {
    try {
      valid.push(validate(input));
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
  });
  return { valid, errors };
}
