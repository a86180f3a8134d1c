import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { dropDatabase } from '../database';
import { loadConfig, type PlatformConfig } from '../config';
import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from '../subgraph';
import type { Orm, QueryObserver } from '../database';
import { createLogger, type Logger } from '../logger';

export * from './stub-server';

/** A unique database prefix per test file, so parallel test files never share data. */
export const uniquePrefix = (): string => `mpt_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export function testConfig(
  service: string,
  prefix: string,
  overrides: Partial<PlatformConfig> = {},
): PlatformConfig {
  return {
    ...loadConfig(service, { ...process.env, DATABASE_PREFIX: prefix }),
    port: 0,
    metricsPort: 0,
    kafkaNamespace: `${prefix}.`,
    ...overrides,
  };
}

export interface GraphQLResponse<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: { code?: string; [key: string]: unknown };
  }[];
  status: number;
}

/** POSTs a GraphQL operation; `token` becomes `Authorization: Bearer <token>`. */
export async function graphql<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string | null,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { ...body, status: response.status };
}

/** The codes of a response's errors, for concise assertions. */
export const errorCodes = (response: GraphQLResponse<unknown>): (string | undefined)[] =>
  (response.errors ?? []).map((error) => error.extensions?.code);

export interface TestSubgraph<TServices> extends RunningSubgraph<TServices> {
  config: PlatformConfig;
  /**
   * Every SQL statement the service ran since the last `resetQueries()`, except the event
   * workers' own bookkeeping (outbox and processed-event statements run on their own schedule).
   */
  queries: string[];
  resetQueries(): void;
  /** Stops the service and drops its database. */
  destroy(): Promise<void>;
}

const WORKER_BOOKKEEPING = /\b(outbox|processed_events)\b/;

/** Starts a subgraph on an ephemeral port with its own fresh database. */
export async function startTestSubgraph<TLoaders, TServices, TSettings>(
  definition: SubgraphDefinition<TLoaders, TServices, TSettings>,
  prefix = uniquePrefix(),
  overrides: Partial<PlatformConfig> = {},
  settings: Partial<TSettings> = {},
): Promise<TestSubgraph<TServices>> {
  const config = testConfig(definition.name, prefix, overrides);
  const queries: string[] = [];
  const onQuery: QueryObserver = (sql) => {
    if (!WORKER_BOOKKEEPING.test(sql)) queries.push(sql);
  };
  const running = await startSubgraph(definition, { config, onQuery, settings });
  return {
    ...running,
    config,
    queries,
    resetQueries: () => {
      queries.length = 0;
    },
    destroy: async () => {
      await running.stop();
      await dropDatabase(config.databaseUrl, config.databaseName);
    },
  };
}

export interface EventuallyOptions {
  /**
   * The deadline, always explicit and as short as what is awaited allows (a Kafka hop: a few
   * seconds; a whole saga under load: tens), so a broken guarantee fails fast with `message`.
   */
  timeoutMs: number;
  /** Pause between checks. Default 50 ms. */
  intervalMs?: number;
  /** What is awaited, for the failure message. */
  message?: string;
}

/** Polls `check` until it returns a value other than `undefined`/`false`, or fails at the deadline. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs, intervalMs = 50, message = 'condition' }: EventuallyOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${message}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** SQL the schema generator would still run to match the entities: empty when migrations and entities agree. */
export async function pendingSchemaChanges(orm: Orm): Promise<string> {
  return (await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })).trim();
}

/**
 * Makes the database refuse writes to `table` for rows matching `condition` (SQL over `new`), as a
 * constraint or a lost connection would in the middle of a transaction: a test then proves that a
 * business write and its outbox row commit together or not at all. Returns the undo.
 */
export async function refuseWrites(
  orm: Orm,
  table: string,
  condition: string,
  operation: 'insert' | 'update' = 'insert',
): Promise<() => Promise<void>> {
  const name = `refuse_${randomBytes(8).toString('hex')}`;
  const connection = orm.em.getConnection();
  await connection.execute(
    `create function ${name}() returns trigger language plpgsql as $$
       begin raise exception 'test refuses this % row', tg_table_name; end $$`,
  );
  await connection.execute(
    `create trigger ${name} before ${operation} on ${table} for each row when (${condition}) execute function ${name}()`,
  );
  return async () => {
    await connection.execute(`drop trigger ${name} on ${table}`);
    await connection.execute(`drop function ${name}()`);
  };
}

/**
 * Settles as `promise` does, or rejects once `ms` have passed: a bounded wait for tests, so a hang
 * fails fast with a message instead of running into the suite's timeout.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `action` while {@link refuseWrites} holds, and always lifts the refusal afterwards. */
export async function whileWritesRefused<T>(
  orm: Orm,
  refusal: { table: string; condition: string; operation?: 'insert' | 'update' },
  action: () => Promise<T>,
): Promise<T> {
  const restore = await refuseWrites(orm, refusal.table, refusal.condition, refusal.operation);
  try {
    return await action();
  } finally {
    await restore();
  }
}

/** A JSON log line as written, parsed (`level` 50 is error). */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A debug-level logger whose lines are kept, with the production redaction and serializers. */
export function capturingLogger(service = 'test'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as LogLine);
      done();
    },
  });
  return { log: createLogger(service, 'debug', 'json', destination), lines };
}
