/**
 * Environment configuration shared by every service. Each value has a default that works on a
 * developer machine with the local stack (see README "Configuration").
 */
export interface PlatformConfig {
  /** Service name, e.g. `order`; used for the database name and logs. */
  serviceName: string;
  /** HTTP port. Default: the service's well-known port (4001–4006, gateway 4000). */
  port: number;
  /** Host interface to bind. Default `127.0.0.1` (`HOST`). */
  host: string;
  /** Postgres server URL without a database (`DATABASE_URL`). Default `postgres://postgres@127.0.0.1:5432`. */
  databaseUrl: string;
  /** Database name (`<DATABASE_PREFIX>_<service>`); default prefix `marketplace`. */
  databaseName: string;
  /** HMAC secret for JWTs (`JWT_SECRET`). The default is for local development only. */
  jwtSecret: string;
  /** Token lifetime (`JWT_EXPIRES_IN`, jsonwebtoken syntax). Default `12h`. */
  jwtExpiresIn: string;
  /** Kafka bootstrap servers (`KAFKA_BROKERS`, comma separated). Default `127.0.0.1:9092`. */
  kafkaBrokers: string[];
  /**
   * Prefix of every Kafka topic and consumer group (`KAFKA_NAMESPACE`). Default empty; tests use
   * a unique one so parallel runs never share topics.
   */
  kafkaNamespace: string;
  /** Shop currency, ISO 4217 (`CURRENCY`). Default `RUB`. */
  currency: string;
  /** pino log level (`LOG_LEVEL`). Default `info`. */
  logLevel: string;
}

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

function readInt(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/** Reads the configuration of `serviceName` from the environment; throws on malformed values. */
export function loadConfig(serviceName: string, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const upper = serviceName.toUpperCase();
  const prefix = env.DATABASE_PREFIX || 'marketplace';
  const jwtSecret = env.JWT_SECRET || DEV_JWT_SECRET;
  if (env.NODE_ENV === 'production' && jwtSecret === DEV_JWT_SECRET) {
    throw new Error('JWT_SECRET must be set in production');
  }
  return {
    serviceName,
    port: readInt(`${upper}_PORT`, SERVICE_PORTS[serviceName] ?? 0, env),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432',
    databaseName: env[`${upper}_DATABASE_NAME`] || `${prefix}_${serviceName}`,
    jwtSecret,
    jwtExpiresIn: env.JWT_EXPIRES_IN || '12h',
    kafkaBrokers: (env.KAFKA_BROKERS || '127.0.0.1:9092')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    kafkaNamespace: env.KAFKA_NAMESPACE || '',
    currency: env.CURRENCY || 'RUB',
    logLevel: env.LOG_LEVEL || 'info',
  };
}
