import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { HttpRefusal } from '@marketplace/platform';

/** Whole seconds a refused client should wait (`Retry-After` is in seconds; never 0). */
export const retryAfterSeconds = (retryAfterMs: number): number =>
  Math.max(1, Math.ceil(retryAfterMs / 1_000));

const messageFor = (seconds: number): string => `Too many requests; retry in ${seconds} s`;

/**
 * The refusal of a rate-limited operation: `RATE_LIMITED` with `retryAfterSeconds`, and (thrown
 * from an Apollo plugin) HTTP 429 with `Retry-After`.
 */
export function rateLimitedError(retryAfterMs: number): GraphQLError {
  const seconds = retryAfterSeconds(retryAfterMs);
  return new GraphQLError(messageFor(seconds), {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: seconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    },
  });
}

/** The same refusal as an HTTP answer, sent before the request body is read. */
export function rateLimitedRefusal(retryAfterMs: number): HttpRefusal {
  const seconds = retryAfterSeconds(retryAfterMs);
  return {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: {
      errors: [
        { message: messageFor(seconds), extensions: { code: 'RATE_LIMITED', retryAfterSeconds: seconds } },
      ],
    },
  };
}
