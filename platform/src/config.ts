import { randomJwtSecret } from './auth';
import { ConfigurationError, readSettings, setting, type SettingsSpec } from './settings';

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
  /** Attempts in total of a safe (read) call to another service; see {@link TargetGuard}. */
  serviceRetryAttempts: number;
  /** Retries allowed as a percentage of calls to one target. */
  serviceRetryBudgetPercent: number;
  /** Consecutive failed calls to one target that open its circuit breaker. */
  circuitBreakerFailures: number;
  /** How long an open breaker fails fast before a trial call, in ms. */
  circuitBreakerHalfOpenMs: number;
  kafkaConnectionTimeoutMs: number;
  kafkaRequestTimeoutMs: number;
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
  /** Serve `GET /metrics` on a listener of its own (`METRICS_ENABLED`). */
  metricsEnabled: boolean;
  /** Port of that listener (`<SERVICE>_METRICS_PORT`, the service port + 5000; 0: any free port). */
  metricsPort: number;
  metricsHost: string;
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

/** A service's metrics port is its HTTP port plus this (9000 for the gateway, 9001–9006 for subgraphs). */
export const METRICS_PORT_OFFSET = 5_000;

/** The shortest `JWT_SECRET` accepted: 32 characters, e.g. `openssl rand -hex 32` (64). */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Secrets that are public — an old built-in development default, docker-compose's former fallback
 * and the usual placeholders — so anyone could mint an ADMIN token with them: never accepted.
 */
const PUBLIC_JWT_SECRETS: ReadonlySet<string> = new Set([
  'marketplace-graph-local-development-secret',
  'change-me-in-production',
  'change-me',
  'changeme',
  'secret',
  'jwt-secret',
  'your-secret',
  'your-jwt-secret',
]);

let processJwtSecret: string | undefined;

/**
 * The secret of a non-production process started without `JWT_SECRET`: random and never shared,
 * so no usable secret ships in the code; tokens then work only within that process (`npm start`
 * generates one secret for the whole stack instead).
 */
const ephemeralJwtSecret = (): string => (processJwtSecret ??= randomJwtSecret());

/** True for the random per-process secret; services warn about it at start-up. */
export const isEphemeralJwtSecret = (secret: string): boolean => secret === processJwtSecret;

/**
 * The signing secret: a set `JWT_SECRET` must be at least {@link MIN_JWT_SECRET_LENGTH}
 * characters and not a public placeholder; unset, production refuses to start and any other
 * environment gets {@link ephemeralJwtSecret}.
 */
function jwtSecretOf(secret: string | undefined, production: boolean): string {
  const howTo =
    '`npm start` generates one (in .local/jwt-secret); elsewhere set a random value, e.g. `openssl rand -hex 32`';
  if (secret === undefined) {
    if (production) throw new ConfigurationError(`JWT_SECRET must be set in production: ${howTo}`);
    return ephemeralJwtSecret();
  }
  if (PUBLIC_JWT_SECRETS.has(secret.trim().toLowerCase())) {
    throw new ConfigurationError(`JWT_SECRET is a known placeholder, usable by anyone: ${howTo}`);
  }
  if (secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigurationError(
      `JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters, got ${secret.length}: ${howTo}`,
    );
  }
  return secret;
}

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
    jwtSecret: {
      ...setting.optional(
        'JWT_SECRET',
        `HMAC secret for tokens (${MIN_JWT_SECRET_LENGTH}+ characters, no placeholder); **required** in production; unset elsewhere: random per process (\`npm start\` shares one from \`.local/jwt-secret\`)`,
      ),
      defaultText: '(random)',
    },
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
      'timeout of one subgraph-to-subgraph call attempt, in ms',
      5_000,
      { min: 1 },
    ),
    serviceRetryAttempts: setting.integer(
      'SERVICE_RETRY_ATTEMPTS',
      'attempts in total of a read to another service (gateway → subgraph, subgraph → subgraph) whose connection failed or that got a 5xx; mutations and timed-out calls get one',
      2,
      { min: 1, max: 10 },
    ),
    serviceRetryBudgetPercent: setting.integer(
      'SERVICE_RETRY_BUDGET_PERCENT',
      'retries to one target at most this percentage of its calls (plus 5 a second)',
      20,
      { max: 100 },
    ),
    circuitBreakerFailures: setting.integer(
      'CIRCUIT_BREAKER_FAILURES',
      "consecutive failed calls that open a target's circuit breaker (then `SERVICE_UNAVAILABLE` at once)",
      5,
      { min: 1 },
    ),
    circuitBreakerHalfOpenMs: setting.integer(
      'CIRCUIT_BREAKER_HALF_OPEN_MS',
      'an open breaker lets one trial call through after this many ms; its success closes it',
      5_000,
      { min: 1 },
    ),
    kafkaConnectionTimeoutMs: setting.integer(
      'KAFKA_CONNECTION_TIMEOUT_MS',
      'Kafka clients give up one broker connection attempt after this many ms (then retry with backoff)',
      3_000,
      { min: 1 },
    ),
    kafkaRequestTimeoutMs: setting.integer(
      'KAFKA_REQUEST_TIMEOUT_MS',
      'a Kafka request without an answer by then fails and is retried, in ms',
      30_000,
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
    metricsEnabled: setting.boolean(
      'METRICS_ENABLED',
      'serve Prometheus metrics on `GET /metrics` of a listener apart from the API',
      true,
    ),
    metricsPort: {
      ...setting.integer(
        `${upper}_METRICS_PORT`,
        'port of the metrics listener of one service, e.g. `GATEWAY_METRICS_PORT` (0: any free port)',
        (SERVICE_PORTS[serviceName] ?? -METRICS_PORT_OFFSET) + METRICS_PORT_OFFSET,
        { max: 65_535 },
      ),
      defaultText: 'service port + 5000 (9000–9006)',
    },
    metricsHost: setting.string(
      'METRICS_HOST',
      'interface the metrics listener binds (keep it off the public network)',
      '127.0.0.1',
    ),
    nodeEnv: setting.string(
      'NODE_ENV',
      '`production` requires `JWT_SECRET` (and turns off development conveniences)',
      'development',
    ),
  } satisfies SettingsSpec<unknown>;
}

/** Reads the configuration of `serviceName`; throws a `ConfigurationError` naming bad variables. */
export function loadConfig(serviceName: string, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const { databasePrefix, databaseName, nodeEnv, jwtSecret, ...values } = readSettings(
    platformSettings(serviceName),
    env,
  );
  const production = nodeEnv === 'production';
  return {
    ...values,
    jwtSecret: jwtSecretOf(jwtSecret, production),
    serviceName,
    databaseName: databaseName ?? `${databasePrefix}_${serviceName}`,
    production,
  };
}
