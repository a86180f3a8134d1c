import { Redis } from 'ioredis';
import type { Logger } from './logger';

/** How a {@link createRedis} client behaves when Redis is slow or gone. */
export interface RedisClientOptions {
  /** Gives up on one connection attempt after this long. Default 1 000 ms. */
  connectTimeoutMs?: number;
  /** A command without an answer by then fails (the caller then fails open). Default 500 ms. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts. Default 2 000 ms. */
  maxReconnectDelayMs?: number;
}

/**
 * The one way services connect to Redis. Redis holds shared counters (rate limits) that are
 * worth less than the requests they guard, so the client never makes a request wait for it:
 * without a connection commands fail at once (no offline queue), a command in flight when the
 * connection drops is not retried, and a slow answer times out. It reconnects in the background
 * forever, and logs one warning when Redis goes away and one line when it is back — not one per
 * command.
 */
export function createRedis(url: string, log: Logger, options: RedisClientOptions = {}): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  const redis = new Redis(url, {
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, maxDelay),
    lazyConnect: false,
    // A socket that does not close when asked is destroyed soon, so a stop never waits on Redis.
    disconnectTimeout: 200,
  });
  let down = false;
  const wentDown = (error?: Error): void => {
    if (down || closing.has(redis)) return;
    down = true;
    log.warn({ err: error, redis: safeUrl(url) }, 'Redis unavailable; reconnecting in the background');
  };
  // A refused connection is an `error`; a dropped one only a `close`.
  redis.on('error', wentDown);
  redis.on('close', () => wentDown());
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ redis: safeUrl(url) }, 'Redis available again');
  });
  return redis;
}

/**
 * Waits until `redis` is connected, at most `timeoutMs`; resolves `false` instead of failing, so
 * a service starts (failing open) while Redis is down.
 */
export function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once('ready', onReady);
  });
}

/** Clients being closed on purpose: their `close` is no outage. */
const closing = new WeakSet<Redis>();

/** Closes the connection without waiting for a Redis that is not there. */
export async function closeRedis(redis: Redis): Promise<void> {
  closing.add(redis);
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
    return;
  }
  redis.disconnect();
}

/** The URL without its password, for logs. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
