import { within } from '@marketplace/platform/testing';

export { within };

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
