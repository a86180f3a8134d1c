import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput, toGraphQLError } from './errors';

/** `2026-11-21`, `2026-11-21T10:15`, `2026-11-21T10:15:30.123Z`, `…+03:00`; no zone means UTC. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?)?$/i;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads an ISO 8601 date-time strictly: every field in its range (no `2026-02-30` rolled over to
 * March, as `Date` does) and years 1 to 9999, which PostgreSQL `timestamptz` holds (a year 0
 * would pass `Date` and fail in the database as an internal error). `null` when it is not one.
 * Cursors that carry a time decode with it too, so a forged one is refused the same way.
 */
export function parseTimestamp(value: string): Date | null {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction, utc, sign, zoneH, zoneM] =
    match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  const daysInMonth = mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1];
  if (y < 1 || daysInMonth === undefined || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59)
    return null;
  if (sign && (Number(zoneH) > 23 || Number(zoneM) > 59)) return null;
  const zone = sign && !utc ? `${sign}${zoneH}:${zoneM}` : 'Z';
  const millis = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${zone}`);
  // The offset can move the instant out of the range (`0001-01-01T00:00+01:00` is in year 0 in UTC).
  const utcYear = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || utcYear < 1 || utcYear > 9999 ? null : date;
}

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? parseTimestamp(value) : null;
  if (date) return date;
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

/**
 * The graph's custom scalars by name. Subgraphs resolve with them; the gateway, whose supergraph
 * knows only their names, checks arguments with the same code before planning, so a malformed
 * value is refused at the edge exactly as a subgraph would refuse it.
 */
export const CUSTOM_SCALARS: ReadonlyMap<string, GraphQLScalarType> = new Map([
  [DateTimeScalar.name, DateTimeScalar],
]);
