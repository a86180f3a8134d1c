import { ExponentialBackoff, handleAll, handleWhen, retry, type IBackoff, type RetryPolicy } from 'cockatiel';

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
