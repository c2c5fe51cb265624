import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** RFC 3339 / ISO-8601 date-time; the offset (Z or ±hh:mm) is required so no instant is ambiguous. */
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') {
    throw new GraphQLError('DateTime must be an ISO-8601 string with an offset, e.g. 2026-12-01T09:00:00Z.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const match = ISO_WITH_OFFSET.exec(value);
  const date = new Date(value);
  const [, , month, day, hour, minute, second] = match ?? [];
  const fieldsInRange = match && +month >= 1 && +month <= 12 && +day >= 1 && +day <= 31 && +hour <= 23 && +minute <= 59 && +(second ?? 0) <= 59;
  if (!match || !fieldsInRange || Number.isNaN(date.getTime())) {
    throw new GraphQLError(`"${value.slice(0, 64)}" is not a valid DateTime: use ISO-8601 with an offset, e.g. 2026-12-01T09:00:00Z.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  // Reject calendar overflow such as 2026-02-30, which Date silently rolls over.
  const utc = new Date(Date.UTC(+match[1], +month - 1, +day));
  if (utc.getUTCMonth() !== +month - 1) {
    throw new GraphQLError(`"${value}" is not a valid DateTime: that day does not exist.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  // Year 0 and years past 9999 (also reached through an offset, e.g. 0001-01-01T00:30+01:00) are
  // valid ISO-8601 but PostgreSQL's timestamptz cannot read them back: refuse them here.
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw new GraphQLError(`"${value}" is not a valid DateTime: the year must be between 0001 and 9999 (UTC).`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time with an offset, e.g. 2026-12-01T09:00:00Z.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot serialize an invalid date');
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be a string, e.g. "2026-12-01T09:00:00Z".', {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return parseDateTime(ast.value);
  },
});
