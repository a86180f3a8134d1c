import type { Redis } from 'ioredis';
import { GraphQLError } from 'graphql';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { PlatformConfig } from './config';
import type { Logger } from './logger';
import { closeRedis, createRedis } from './redis';
import type { CallLimiter } from './service-client';
import { setting, type Setting } from './settings';

/** What a limit says about one request. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

const ALLOWED: RateLimitDecision = { allowed: true };

export interface SharedRateLimitOptions {
  redis: Redis;
  /** Prefix of this limit's keys, unique per limit (and per test). */
  keyPrefix: string;
  /** Points a key may consume per window. */
  points: number;
  /** Window length in seconds; a window starts with the first point consumed. */
  durationSeconds: number;
  log: Logger;
}

/** Warnings about a failing store at most this often, so an outage is one line, not one per request. */
const WARN_EVERY_MS = 60_000;

/**
 * A fixed-window counter per key, kept in Redis (`rate-limiter-flexible`), so every replica
 * counts against the same budget. It **fails open**: when Redis is down or slow the request is
 * allowed and a warning is logged (at most once a minute) — a broken limiter must not take the
 * service down with it.
 */
export class SharedRateLimit {
  private readonly limiter: RateLimiterRedis;
  private lastWarning = 0;

  constructor(private readonly options: SharedRateLimitOptions) {
    this.limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.durationSeconds,
      rejectIfRedisNotReady: true,
    });
  }

  get points(): number {
    return this.options.points;
  }

  /** Counts `points` for `key`; refused once the key is over its budget (or blocked). */
  async consume(key: string, points = 1): Promise<RateLimitDecision> {
    try {
      await this.limiter.consume(key, points);
      return ALLOWED;
    } catch (error) {
      return this.refusedOrOpen(error);
    }
  }

  /** Refused when `key` has used its whole budget (or is blocked), without counting anything. */
  async check(key: string): Promise<RateLimitDecision> {
    try {
      const state = await this.limiter.get(key);
      if (state && state.consumedPoints >= this.options.points)
        return { allowed: false, retryAfterMs: Math.max(1, state.msBeforeNext) };
      return ALLOWED;
    } catch (error) {
      return this.refusedOrOpen(error);
    }
  }

  /** Refuses `key` for `seconds` from now, whatever it has consumed. */
  async block(key: string, seconds: number): Promise<void> {
    await this.limiter.block(key, seconds).catch((error: unknown) => this.refusedOrOpen(error));
  }

  /** Forgets `key` (e.g. a successful login clears its failures). */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key).catch((error: unknown) => this.refusedOrOpen(error));
  }

  private refusedOrOpen(error: unknown): RateLimitDecision {
    if (error instanceof RateLimiterRes)
      return { allowed: false, retryAfterMs: Math.max(1, error.msBeforeNext) };
    // Without a connection the client has said so once already (`createRedis`); only a failure of
    // a connected Redis (a slow command) is worth a line of its own.
    if (this.options.redis.status !== 'ready') return ALLOWED;
    const now = Date.now();
    if (now - this.lastWarning >= WARN_EVERY_MS) {
      this.lastWarning = now;
      this.options.log.warn(
        { err: error, limit: this.options.keyPrefix },
        'rate limit store unavailable; allowing requests',
      );
    }
    return ALLOWED;
  }
}

export interface CallRateLimiterOptions {
  redis: Redis;
  /** Prefix of the limiter's keys; the target is appended. */
  keyPrefix: string;
  /** The called service, e.g. `product`: every replica of every caller shares its budget. */
  target: string;
  /** Calls per second to `target`, all callers together. */
  perSecond: number;
  /** Longest wait for a slot (the call's timeout, `SERVICE_TIMEOUT_MS`). Default 5 000 ms. */
  maxWaitMs?: number;
  log: Logger;
}

/** The refusal when no slot was free before the call's deadline. */
export const rateLimitedCall = (target: string): GraphQLError =>
  new GraphQLError(`The ${target} service is busy; try again later`, {
    extensions: { code: 'SERVICE_UNAVAILABLE' },
  });

/**
 * A distributed rate limiter on calls to one service: at most `perSecond` calls per second
 * across every replica sharing Redis (a one-second window per target). A call over the rate waits
 * for the next window — bounded by its signal (the call's timeout) — rather than failing at once;
 * if no slot comes in time it fails with `SERVICE_UNAVAILABLE`. Fails open when Redis is down.
 */
export class CallRateLimiter implements CallLimiter {
  private readonly limit: SharedRateLimit;

  constructor(private readonly options: CallRateLimiterOptions) {
    this.limit = new SharedRateLimit({
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      points: options.perSecond,
      durationSeconds: 1,
      log: options.log,
    });
  }

  /** Waits at most `maxWaitMs` for a slot, less when `caller` (e.g. the client's request) aborts. */
  async acquire(caller?: AbortSignal): Promise<void> {
    const deadline = AbortSignal.timeout(this.options.maxWaitMs ?? 5_000);
    const signal = caller ? AbortSignal.any([caller, deadline]) : deadline;
    for (;;) {
      if (signal.aborted) throw rateLimitedCall(this.options.target);
      const decision = await this.limit.consume(this.options.target);
      if (decision.allowed) return;
      // Jitter spreads the waiters of a window over its start instead of one burst on Redis.
      const pause = decision.retryAfterMs + Math.floor(Math.random() * 20);
      if (!(await pauseUnlessAborted(pause, signal))) throw rateLimitedCall(this.options.target);
    }
  }
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. */
function pauseUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A {@link CallRateLimiter} with its own Redis connection (`REDIS_URL`), run as one of the
 * service's workers so that stopping the service closes the connection. Build it with
 * {@link callLimiterFor}.
 */
export class RedisCallLimiter implements CallLimiter {
  readonly name: string;
  private readonly redis: Redis;
  private readonly limiter: CallRateLimiter;

  constructor(
    config: Pick<PlatformConfig, 'redisUrl' | 'redisKeyPrefix' | 'serviceTimeoutMs'>,
    target: string,
    perSecond: number,
    log: Logger,
  ) {
    this.name = `${target}-call-limiter`;
    this.redis = createRedis(config.redisUrl, log.child({ component: this.name }));
    this.limiter = new CallRateLimiter({
      redis: this.redis,
      keyPrefix: `${config.redisKeyPrefix}rl:calls:`,
      target,
      perSecond,
      maxWaitMs: config.serviceTimeoutMs,
      log,
    });
  }

  acquire(signal?: AbortSignal): Promise<void> {
    return this.limiter.acquire(signal);
  }

  /** Connects at construction (calls pass, failing open, until it has). */
  async start(): Promise<void> {}

  stop(): Promise<void> {
    return closeRedis(this.redis);
  }
}

/** The limiter of calls to `target` at `perSecond` calls per second, or none when that is 0. */
export const callLimiterFor = (
  config: Pick<PlatformConfig, 'redisUrl' | 'redisKeyPrefix' | 'serviceTimeoutMs'>,
  target: string,
  perSecond: number,
  log: Logger,
): RedisCallLimiter | undefined =>
  perSecond > 0 ? new RedisCallLimiter(config, target, perSecond, log) : undefined;

/**
 * `<TARGET>_CLIENT_RATE_LIMIT_RPS`: calls per second all replicas together may make to one
 * service (0: unlimited, the default). Each calling service lists it in its settings.
 */
export const clientRateLimitSetting = (target: string): Setting<number> =>
  setting.integer(
    `${target.toUpperCase()}_CLIENT_RATE_LIMIT_RPS`,
    `calls per second all callers together may make to the ${target} subgraph, shared through Redis (0: unlimited)`,
    0,
  );
