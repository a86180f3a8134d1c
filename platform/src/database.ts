import { DefaultLogger, type LogContext, type LoggerOptions, type MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver, type EntitySchema } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from './logger';

export type Orm = MikroORM;

/** Receives every SQL statement the ORM sends (used by the N+1 tests and query metrics). */
export type QueryObserver = (sql: string) => void;

export interface DatabaseOptions {
  /** Server URL without database, e.g. `postgres://postgres@127.0.0.1:5432`. */
  url: string;
  databaseName: string;
  // EntitySchema is generic over each entity class; the ORM accepts any of them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: EntitySchema<any, any>[];
  migrations: MigrationObject[];
  log?: Logger;
  onQuery?: QueryObserver;
  /** Connection pool size. Default 10 (`DB_POOL_MAX`). */
  poolMax?: number;
}

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

function withDatabase(url: string, databaseName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(databaseName)}`;
  return parsed.toString();
}

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Creates the database if it does not exist; safe when several processes race to create it. */
export async function ensureDatabase(url: string, databaseName: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [databaseName]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${quoteIdentifier(databaseName)}`);
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    // pg_database has a unique index: a concurrent creator shows up as either code.
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await client.end();
  }
}

/** Drops a database (tests only), terminating its open connections first. */
export async function dropDatabase(url: string, databaseName: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(`drop database if exists ${quoteIdentifier(databaseName)} with (force)`);
  } finally {
    await client.end();
  }
}

class ObservedLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly observer: QueryObserver | undefined,
  ) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    this.observer?.(context.query);
    super.logQuery(context);
  }
}

/** Opens the ORM on the service's own database, creating the database when missing. */
export async function openDatabase(options: DatabaseOptions): Promise<Orm> {
  await ensureDatabase(options.url, options.databaseName);
  const log = options.log;
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: withDatabase(options.url, options.databaseName),
    entities: options.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    pool: { min: 0, max: options.poolMax },
    // Never share an identity map between requests: every request and message forks its own.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: log?.isLevelEnabled('trace') ? ['query'] : false,
    loggerFactory: (loggerOptions) =>
      new ObservedLogger(
        { ...loggerOptions, writer: (message) => log?.trace({ sql: message }, 'sql') },
        options.onQuery,
      ),
  });
}

/** Applies pending migrations; returns their names. Safe to run from several replicas at once. */
export async function migrate(orm: Orm): Promise<string[]> {
  // A session-level advisory lock on a dedicated connection serialises concurrent migrators on the
  // same database (the ORM's pool could hand lock and unlock to different sessions).
  const lockClient = new Client({ connectionString: orm.config.get('clientUrl') });
  await lockClient.connect();
  try {
    await lockClient.query("select pg_advisory_lock(hashtext('marketplace-migrations'))");
    const applied = await orm.getMigrator().up();
    return applied.map((migration) => migration.name);
  } finally {
    await lockClient.end(); // ending the session releases the lock
  }
}
