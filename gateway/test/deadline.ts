/**
 * Settles as `promise` does, or rejects once `ms` have passed: a bounded wait for tests, so a
 * hang fails fast with a message instead of running into the suite's timeout.
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

/** Resolves with the first emission of `event` (its arguments), bounded by `ms`. */
export function nextEvent<TArgs extends unknown[]>(
  emitter: { once(event: string, listener: (...args: TArgs) => void): unknown },
  event: string,
  ms: number,
): Promise<TArgs> {
  return within(
    new Promise<TArgs>((resolve) => emitter.once(event, (...args: TArgs) => resolve(args))),
    ms,
    `"${event}"`,
  );
}

/** The deadline of one expected reaction of the gateway in a test (a close, an error, a message). */
export const REACTION_MS = 5_000;
