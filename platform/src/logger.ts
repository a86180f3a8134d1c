import pino from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './config';
import { activeTraceFields } from './telemetry/trace-context';

export type Logger = pino.Logger;

/**
 * Fields that may hold a secret or personal data, censored wherever a log line carries them (top
 * level or one object down): credentials, tokens, and a GraphQL request's variables (passwords,
 * e-mails and addresses travel there).
 */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'password',
  'passwordHash',
  'token',
  'secret',
  'jwtSecret',
  'cookie',
  'variables',
  'parameters',
  'params',
  'bindings',
  '*.authorization',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.secret',
  '*.jwtSecret',
  '*.cookie',
  '*.variables',
  '*.parameters',
  '*.params',
  '*.bindings',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

const CENSORED = '[REDACTED]';

/** A quoted SQL value (`'olga@example.com'`, `'it''s'`), as MikroORM inlines parameters into a failed statement. */
const SQL_STRING_LITERAL = /'(?:[^']|'')*'/g;
/** The row values of a constraint error's detail: `Key (email)=(olga@example.com) already exists.` */
const KEY_VALUES = /\)=\((?:[^()]|\([^()]*\))*\)/g;
/** `Failing row contains (…)` of a check or not-null violation: the whole row. */
const FAILING_ROW = /Failing row contains \(.*\)/gs;
const LOOKS_LIKE_SQL = /\b(select|insert\s+into|update|delete\s+from|values)\b/i;

/**
 * Removes the values from text about a failed SQL statement (its inlined parameters, the row of a
 * constraint error), keeping the statement's shape and the database's reason: enough to debug,
 * nothing of the row (password hashes, e-mails).
 */
export function redactSqlValues(text: string): string {
  const withoutRows = text
    .replace(KEY_VALUES, `)=(${CENSORED})`)
    .replace(FAILING_ROW, `Failing row contains (${CENSORED})`);
  return LOOKS_LIKE_SQL.test(withoutRows)
    ? withoutRows.replace(SQL_STRING_LITERAL, `'${CENSORED}'`)
    : withoutRows;
}

/** Keys of a database error that repeat the failed statement or its values. */
const DATABASE_ERROR_VALUE_KEYS = ['detail', 'where', 'internalQuery', 'query', 'sql', 'hint'];

/**
 * pino's standard error serializer, then every text that can carry a failed statement's values
 * (message and stack with their causes, a pg/MikroORM error's `detail`, `where`, `sql`…) redacted,
 * also in nested errors (`originalError` of a GraphQL error).
 */
export function serializeError(error: unknown): unknown {
  // An error logged as its message only (e.g. a dead letter's reason) can carry a statement too.
  if (typeof error === 'string') return redactSqlValues(error);
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  return redactError(serialized);
}

function redactError(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    if (
      typeof item === 'string' &&
      (key === 'message' || key === 'stack' || DATABASE_ERROR_VALUE_KEYS.includes(key))
    ) {
      result[key] = redactSqlValues(item);
    } else if (item !== null && typeof item === 'object' && 'message' in item) {
      result[key] = redactError(item);
    } else {
      result[key] = item;
    }
  }
  return result;
}

/**
 * Structured logger; one child per service, request or consumer. `json` (the default, for
 * production log pipelines) writes one object a line; `pretty` (what `npm start` uses) writes
 * readable lines with the time, the service and multi-line stack traces. Either way no secret or
 * personal data is written: {@link REDACTED_LOG_PATHS} are censored and errors go through
 * {@link serializeError}.
 */
export function createLogger(
  service: string,
  level: LogLevel = 'info',
  format: LogFormat = 'json',
  /** Where `json` lines go instead of stdout (tests read them). */
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level,
    base: { service },
    // Every line written inside a span carries its trace: logs and traces of one operation join up.
    mixin: activeTraceFields,
    redact: { paths: REDACTED_LOG_PATHS, censor: CENSORED },
    serializers: {
      err: serializeError,
      error: serializeError,
      sql: (sql: unknown) => (typeof sql === 'string' ? redactSqlValues(sql) : sql),
    },
  };
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  const stream = pretty({
    sync: true,
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,service',
    messageFormat: '[{service}] {msg}',
  });
  return pino(options, stream);
}
