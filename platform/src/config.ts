import { readSettings, setting, type SettingsSpec } from './settings';

/**
 * Configuration shared by every service, read once at start-up by {@link loadConfig}. Each value
 * has a default that works on a developer machine with the local stack; the variables, defaults
 * and meanings are in {@link platformSettings} (and the README's table, generated from it).
 */
export interface PlatformConfig {
  /** Service name, e.g. `order`; used for the database name, topics and logs. */
  serviceName: string;
  port: number;
  host: string;
  databaseUrl: string;
  /** `<DATABASE_PREFIX>_<service>` unless `<SERVICE>_DATABASE_NAME` is set. */
  databaseName: string;
  dbPoolMax: number;
  jwtSecret: string;
  jwtExpiresIn: string;
  kafkaBrokers: string[];
  /** Prefix of every Kafka topic and consumer group; tests use a unique one. */
  kafkaNamespace: string;
  kafkaTopicPartitions: number;
  kafkaReplicationFactor: number;
  outboxPollMs: number;
  outboxRetentionHours: number;
  consumerMaxAttempts: number;
  serviceTimeoutMs: number;
  /** Redis for state shared by replicas (rate limits); services fail open while it is down. */
  redisUrl: string;
  /** Prefix of every Redis key; tests use a unique one. */
  redisKeyPrefix: string;
  shutdownTimeoutMs: number;
  migrateOnly: boolean;
  currency: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  production: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const SERVICE_PORTS: Record<string, number> = {
  gateway: 4000,
  user: 4001,
  product: 4002,
  cart: 4003,
  order: 4004,
  payment: 4005,
  delivery: 4006,
};

export const DEV_JWT_SECRET = 'marketplace-graph-local-development-secret';

/** The platform's variables for `serviceName`; `<SERVICE>_…` names are per service. */
export function platformSettings(serviceName: string) {
  const upper = serviceName.toUpperCase();
  return {
    port: {
      ...setting.integer(
        `${upper}_PORT`,
        'HTTP port of one service, e.g. `GATEWAY_PORT`, `ORDER_PORT` (0: any free port)',
        SERVICE_PORTS[serviceName] ?? 0,
        { max: 65_535 },
      ),
      defaultText:
        SERVICE_PORTS[serviceName] === undefined
          ? '4000–4006 by service'
          : String(SERVICE_PORTS[serviceName]),
    },
    host: setting.string('HOST', 'interface to bind (`0.0.0.0` in containers)', '127.0.0.1'),
    databaseUrl: setting.url(
      'DATABASE_URL',
      'Postgres server (without a database name)',
      'postgres://postgres@127.0.0.1:5432',
    ),
    databasePrefix: setting.string(
      'DATABASE_PREFIX',
      'databases are `<prefix>_<service>`, created if missing',
      'marketplace',
    ),
    databaseName: setting.optional(
      `${upper}_DATABASE_NAME`,
      "overrides one service's database name, e.g. `ORDER_DATABASE_NAME`",
    ),
    dbPoolMax: setting.integer('DB_POOL_MAX', 'database connections per service', 10, { min: 1 }),
    jwtSecret: setting.string(
      'JWT_SECRET',
      'HMAC secret for tokens; **required** when `NODE_ENV=production`',
      DEV_JWT_SECRET,
    ),
    jwtExpiresIn: setting.string('JWT_EXPIRES_IN', 'token lifetime (e.g. `12h`, `30m`)', '12h'),
    kafkaBrokers: setting.list(
      'KAFKA_BROKERS',
      'bootstrap servers, comma separated; when none answers locally, `npm start` starts one',
      ['127.0.0.1:9092'],
    ),
    kafkaNamespace: setting.string(
      'KAFKA_NAMESPACE',
      'prefix of every topic and consumer group (tests use a unique one)',
      '',
    ),
    kafkaTopicPartitions: setting.integer(
      'KAFKA_TOPIC_PARTITIONS',
      'partitions of topics the services create',
      3,
      { min: 1 },
    ),
    kafkaReplicationFactor: setting.integer(
      'KAFKA_REPLICATION_FACTOR',
      'replication of topics the services create',
      1,
      { min: 1 },
    ),
    outboxPollMs: setting.integer(
      'OUTBOX_POLL_MS',
      'relay safety-net poll in ms (it is woken by `NOTIFY` on commit)',
      1_000,
      { min: 10 },
    ),
    outboxRetentionHours: setting.number(
      'OUTBOX_RETENTION_HOURS',
      'published outbox rows are deleted after this many hours',
      24,
    ),
    consumerMaxAttempts: setting.integer(
      'CONSUMER_MAX_ATTEMPTS',
      'handler attempts (exponential backoff) before a message goes to `<topic>.dlt`',
      5,
      { min: 1 },
    ),
    serviceTimeoutMs: setting.integer(
      'SERVICE_TIMEOUT_MS',
      'timeout of subgraph-to-subgraph reads, in ms',
      5_000,
      { min: 1 },
    ),
    redisUrl: setting.url(
      'REDIS_URL',
      'Redis for state shared by replicas (rate limits); while it is down limits fail open',
      'redis://127.0.0.1:6379',
    ),
    redisKeyPrefix: setting.string(
      'REDIS_KEY_PREFIX',
      'prefix of every Redis key (tests use a unique one)',
      'marketplace:',
    ),
    shutdownTimeoutMs: setting.integer(
      'SHUTDOWN_TIMEOUT_MS',
      'graceful-shutdown limit in ms; past it the process exits non-zero',
      10_000,
      { min: 1 },
    ),
    migrateOnly: setting.boolean('MIGRATE_ONLY', 'apply migrations (and seed), then exit 0', false),
    currency: setting.string('CURRENCY', 'shop currency (ISO 4217); money is integer minor units', 'RUB'),
    logLevel: setting.oneOf('LOG_LEVEL', 'pino level (`trace` also logs SQL)', LOG_LEVELS, 'info'),
    logFormat: setting.oneOf(
      'LOG_FORMAT',
      '`pretty` (coloured, multi-line errors; `npm start` sets it) or `json` (one object a line)',
      LOG_FORMATS,
      'json',
    ),
    nodeEnv: setting.string('NODE_ENV', '`production` refuses the development JWT secret', 'development'),
  } satisfies SettingsSpec<unknown>;
}

/** Reads the configuration of `serviceName`; throws a `ConfigurationError` naming bad variables. */
export function loadConfig(serviceName: string, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const { databasePrefix, databaseName, nodeEnv, ...values } = readSettings(
    platformSettings(serviceName),
    env,
  );
  const production = nodeEnv === 'production';
  if (production && values.jwtSecret === DEV_JWT_SECRET) {
    throw new Error('JWT_SECRET must be set in production');
  }
  return {
    ...values,
    serviceName,
    databaseName: databaseName ?? `${databasePrefix}_${serviceName}`,
    production,
  };
}
