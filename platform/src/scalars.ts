import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput, toGraphQLError } from './errors';

function parseDateTime(value: unknown): Date {
  if (typeof value === 'string') {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime()) && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value))
      return date;
  }
  throw toGraphQLError(badUserInput('DateTime must be an ISO 8601 date-time, e.g. 2026-11-21T10:15:30Z'));
}

/** ISO 8601 date-time; serialised in UTC with milliseconds. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO 8601 date-time in UTC, e.g. `2026-11-21T10:15:30.000Z`.',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw toGraphQLError(badUserInput('DateTime must be a string'));
    return parseDateTime(ast.value);
  },
});
