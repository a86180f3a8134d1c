import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IBackoff,
  type RetryPolicy,
} from 'cockatiel';
import type { PlatformConfig } from './config';
import type { Logger } from './logger';
import type { ServiceMetrics } from './telemetry/metrics';

/**
 * The one retry and backoff mechanism of the project (relay, consumers, the gateway's Kafka
 * source, service clients). Built on cockatiel's exponential backoff with decorrelated jitter, so
 * replicas that fail together do not retry in lockstep.
 */
export interface BackoffOptions {
  /** First delay in ms. Default 100. */
  initialDelayMs?: number;
  /** Longest delay in ms. Default 5 000. */
  maxDelayMs?: number;
}

const backoffFactory = (options: BackoffOptions = {}): ExponentialBackoff<unknown> =>
  new ExponentialBackoff({
    initialDelay: options.initialDelayMs ?? 100,
    maxDelay: options.maxDelayMs ?? 5_000,
  });

/**
 * Delays for a loop that keeps going until it succeeds (reconnecting, re-electing): `next()` gives
 * the pause after another failure, `reset()` starts over after a success.
 */
export class Backoff {
  private current: IBackoff<unknown> | undefined;

  constructor(private readonly options: BackoffOptions = {}) {}

  /** The delay to wait after one more consecutive failure. */
  next(): number {
    this.current = this.current ? this.current.next(undefined) : backoffFactory(this.options).next();
    return this.current.duration;
  }

  reset(): void {
    this.current = undefined;
  }
}

export interface RetryOptions extends BackoffOptions {
  /** Attempts in total, the first included. */
  attempts: number;
  /** Called before each pause with the failure and the attempt that failed (1-based). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Whether a failure is worth another attempt. Default: every error is. */
  retryable?: (error: unknown) => boolean;
}

/** A bounded retry policy; `execute(fn, signal)` runs `fn` until it succeeds or attempts run out. */
export function retryPolicy(options: RetryOptions): RetryPolicy {
  const policy = retry(options.retryable ? handleWhen(options.retryable) : handleAll, {
    maxAttempts: Math.max(0, options.attempts - 1),
    backoff: backoffFactory(options),
  });
  if (options.onRetry) {
    const onRetry = options.onRetry;
    policy.onRetry((event) => {
      if ('error' in event) onRetry(event.error, event.attempt, event.delay);
    });
  }
  return policy;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Caps retries at a share of calls, so a struggling target gets at most `ratio` more load from
 * retries instead of a multiple of it (the "retry budget" of Finagle and gRPC): each call earns
 * `ratio` of a token, each retry spends one; `minPerSecond` tokens also trickle in, so a quiet
 * client may still retry. Tokens never exceed `max`.
 */
export class RetryBudget {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly options: {
      /** Retries per call, 0 to 1. Default 0.2. */
      ratio?: number;
      /** Retries allowed per second regardless of traffic. Default 5. */
      minPerSecond?: number;
      /** Most tokens saved up. Default 50. */
      max?: number;
    } = {},
  ) {
    this.tokens = this.max;
  }

  private get max(): number {
    return this.options.max ?? 50;
  }

  /** Records a call (its first attempt). */
  deposit(): void {
    this.tokens = Math.min(this.max, this.tokens + (this.options.ratio ?? 0.2));
  }

  /** Whether a retry may go now; spends its token when it may. */
  withdraw(): boolean {
    const now = Date.now();
    const earned = ((now - this.refilledAt) / 1_000) * (this.options.minPerSecond ?? 5);
    this.refilledAt = now;
    this.tokens = Math.min(this.max, this.tokens + earned);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Thrown by {@link withTimeout} when the attempt, not the caller, ran out of time. */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * Runs one attempt with a signal that aborts after `timeoutMs` or when `signal` (the caller's)
 * aborts. A timeout is reported as {@link CallTimeoutError}; a caller's abort as its own reason.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await attempt(signal ? AbortSignal.any([signal, timeout]) : timeout);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.aborted) throw new CallTimeoutError(timeoutMs);
    throw error;
  }
}

/** How a {@link TargetGuard} protects calls to one target. */
export interface TargetGuardOptions extends BackoffOptions {
  /** Attempts in total of a call that is safe to repeat (`SERVICE_RETRY_ATTEMPTS`). */
  attempts: number;
  /** Retries as a share of calls (`SERVICE_RETRY_BUDGET_PERCENT` / 100). */
  budgetRatio: number;
  /** Consecutive failed calls that open the breaker (`CIRCUIT_BREAKER_FAILURES`). */
  breakerFailures: number;
  /** How long an open breaker fails fast before one trial call (`CIRCUIT_BREAKER_HALF_OPEN_MS`). */
  halfOpenAfterMs: number;
  /**
   * Whether an error means the target is unwell (network, timeout, HTTP 5xx): those count for
   * the breaker and are retried when safe. Other errors (a client mistake the target refused)
   * pass through untouched.
   */
  isFailure: (error: unknown) => boolean;
  /** Called when the breaker opens, half-opens or closes (for one log line each). */
  onStateChange?: (state: 'open' | 'half-open' | 'closed') => void;
  /** Called for each retry about to happen (counted by the metrics). */
  onRetry?: () => void;
}

/** Thrown by {@link TargetGuard.execute} when the target is unavailable: breaker open, or attempts failed. */
export class TargetUnavailableError extends Error {
  override readonly name = 'TargetUnavailableError';

  constructor(
    readonly target: string,
    /** `circuit-open`: failed fast without calling; `failed`: the last attempt failed (`cause`). */
    readonly reason: 'circuit-open' | 'failed',
    options?: { cause: unknown },
  ) {
    super(
      reason === 'circuit-open' ? `${target} is unavailable (circuit open)` : `${target} is unavailable`,
      options,
    );
  }
}

/**
 * The resilience of calls to one target (a subgraph): a circuit breaker (cockatiel's, opened by
 * `breakerFailures` consecutive failures, half-open after `halfOpenAfterMs`) and, for calls that
 * are safe to repeat, retries with decorrelated-jitter backoff within a {@link RetryBudget}.
 * Each attempt passes through the breaker, so retries of a dead target open it sooner.
 */
export class TargetGuard {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly budget: RetryBudget;

  constructor(
    readonly target: string,
    private readonly options: TargetGuardOptions,
  ) {
    this.breaker = circuitBreaker(handleWhen(options.isFailure), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerFailures),
    });
    this.budget = new RetryBudget({ ratio: options.budgetRatio });
    const onStateChange = options.onStateChange;
    if (onStateChange) {
      this.breaker.onBreak(() => onStateChange('open'));
      this.breaker.onHalfOpen(() => onStateChange('half-open'));
      this.breaker.onReset(() => onStateChange('closed'));
    }
  }

  /** Whether calls currently fail fast. */
  get open(): boolean {
    return this.breaker.state === CircuitState.Open;
  }

  /**
   * Runs `call` through the breaker; retried (when `idempotent`) while it fails with a failure
   * of the target, the budget allows and `signal` (the caller's) has not aborted. A timed-out
   * attempt counts for the breaker but is not repeated: the target is slow, and another attempt
   * would double both the caller's wait and the target's load. Throws
   * {@link TargetUnavailableError} for an open breaker or a failure that was not overcome.
   */
  async execute<T>(call: () => Promise<T>, idempotent: boolean, signal?: AbortSignal): Promise<T> {
    this.budget.deposit();
    const attempts = idempotent ? this.options.attempts : 1;
    let failed = 0;
    const retrying = retryPolicy({
      // A request waits through these pauses, so they stay short.
      initialDelayMs: this.options.initialDelayMs ?? 50,
      maxDelayMs: this.options.maxDelayMs ?? 1_000,
      attempts,
      // Counted here, so the budget is spent only on retries that will happen.
      retryable: (error) => {
        const retry =
          ++failed < attempts &&
          !(error instanceof BrokenCircuitError) &&
          !(error instanceof CallTimeoutError) &&
          this.options.isFailure(error) &&
          !signal?.aborted &&
          this.budget.withdraw();
        if (retry) this.options.onRetry?.();
        return retry;
      },
    });
    try {
      return await retrying.execute(() => this.breaker.execute(call));
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new TargetUnavailableError(this.target, 'circuit-open');
      if (this.options.isFailure(error) && !signal?.aborted) {
        throw new TargetUnavailableError(this.target, 'failed', { cause: error });
      }
      throw error;
    }
  }
}

/** The settings of the platform configuration a {@link TargetGuard} follows. */
export type TargetGuardConfig = Pick<
  PlatformConfig,
  'serviceRetryAttempts' | 'serviceRetryBudgetPercent' | 'circuitBreakerFailures' | 'circuitBreakerHalfOpenMs'
>;

/** `marketplace_circuit_breaker_state` of a breaker state. */
const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * The {@link TargetGuard} of calls to `target` as configured (`SERVICE_RETRY_*`,
 * `CIRCUIT_BREAKER_*`), logging each change of its breaker once to `log`, and with `metrics`
 * exporting its breaker state and counting its retries.
 */
export function guardFor(
  target: string,
  config: TargetGuardConfig,
  isFailure: (error: unknown) => boolean,
  log?: Logger,
  metrics?: ServiceMetrics,
): TargetGuard {
  metrics?.breakerState.set({ target }, BREAKER_STATE_VALUE.closed);
  return new TargetGuard(target, {
    attempts: config.serviceRetryAttempts,
    budgetRatio: config.serviceRetryBudgetPercent / 100,
    breakerFailures: config.circuitBreakerFailures,
    halfOpenAfterMs: config.circuitBreakerHalfOpenMs,
    isFailure,
    onStateChange: (state) => {
      metrics?.breakerState.set({ target }, BREAKER_STATE_VALUE[state]);
      log?.[state === 'open' ? 'warn' : 'info']({ target, breaker: state }, 'circuit breaker');
    },
    onRetry: () => metrics?.serviceCallRetries.inc({ target }),
  });
}
