import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { BadUserInputError, BookingConflictError, formatClientError, toDomainError, validateEach } from '../src/errors';
import { parseDateTime } from '../src/scalars';

const format = (error: unknown, extensions?: Record<string, unknown>) => {
  const logged: unknown[] = [];
  const gqlError = error instanceof GraphQLError ? error : new GraphQLError('raw', { originalError: error as Error });
  const out = formatClientError({ message: gqlError.message, extensions: extensions ?? gqlError.extensions }, gqlError, (e) => logged.push(e));
  return { out, logged };
};

describe('error mapping', () => {
  it('maps the exclusion-constraint violation (SQLSTATE 23P01) to BOOKING_CONFLICT', () => {
    const pgError = Object.assign(new Error('conflicting key value violates exclusion constraint "booking_no_overlap"'), { code: '23P01' });
    expect(toDomainError(pgError)).toBeInstanceOf(BookingConflictError);
    const { out } = format(pgError);
    expect(out).toEqual({ message: 'The workspace is already booked for an overlapping time.', extensions: { code: 'BOOKING_CONFLICT' } });
  });

  it('maps a unique violation to BAD_USER_INPUT without the SQL', () => {
    const err = new UniqueConstraintViolationException(Object.assign(new Error('insert into "credential" ... duplicate key'), { code: '23505' }));
    const { out } = format(err);
    expect(out.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(out)).not.toMatch(/insert|credential/);
  });

  it('masks anything unknown with an error id and logs the original', () => {
    const { out, logged } = format(new TypeError('Cannot read properties of undefined (reading "x") at /app/src/booking.ts:12'));
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(out.message).toBe(`Internal error (id ${out.extensions?.errorId}).`);
    expect(JSON.stringify(out)).not.toMatch(/booking\.ts|reading/);
    expect(logged).toHaveLength(1);
  });

  it('masks an INTERNAL_SERVER_ERROR from graphql-js, but keeps an already masked one', () => {
    const raw = new GraphQLError('Runtime Object type "X" is not a possible type for "_Entity"', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(format(raw).out.message).toMatch(/^Internal error \(id /);
    const masked = new GraphQLError('Internal error (id 42).', { extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: '42' } });
    expect(format(masked).out).toEqual({ message: 'Internal error (id 42).', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: '42' } });
  });

  it('keeps request errors readable as BAD_USER_INPUT and drops stack traces', () => {
    const invalid = new GraphQLError('Cannot query field "nope" on type "Query".', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at x'] } });
    expect(format(invalid).out).toEqual({
      message: 'Cannot query field "nope" on type "Query".',
      extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});

describe('DateTime', () => {
  it.each(['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.123+01:00', '2026-12-01T09:00Z'])('accepts %s', (value) => {
    expect(parseDateTime(value)).toBeInstanceOf(Date);
  });
  it.each(['2026-12-01T09:00:00', '2026-12-01', 'tomorrow', '2026-02-30T09:00:00Z', '2026-13-01T09:00:00Z', '2026-12-01T25:00:00Z'])('rejects %s', (value) => {
    expect(() => parseDateTime(value)).toThrow(/not a valid DateTime/);
  });
  it('rejects non-strings', () => {
    expect(() => parseDateTime(12)).toThrow('DateTime must be an ISO-8601 string with an offset, e.g. 2026-12-01T09:00:00Z.');
  });
});

describe('validateEach', () => {
  const positive = (n: number) => {
    if (n < 0) throw new BadUserInputError(`${n} is negative`);
    if (Number.isNaN(n)) throw new TypeError('not a number');
    return n * 2;
  };
  it('keeps the valid inputs and says why each other one was refused, in order', () => {
    expect(validateEach([1, -2, 3], positive)).toEqual({ valid: [2, 6], errors: [null, '-2 is negative', null] });
  });
  it('throws an error that is not a DomainError (a bug, not bad input)', () => {
    expect(() => validateEach([1, NaN], positive)).toThrow(TypeError);
  });
});
