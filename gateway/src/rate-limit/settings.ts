import { setting, type SettingsSpec } from '@marketplace/platform';

/**
 * Request budgets at the edge, shared by every gateway replica through Redis (`REDIS_URL`).
 * A budget of 0 switches that limit off.
 */
export interface RateLimitConfig {
  /** Proxies in front of the gateway whose `X-Forwarded-For` entries are trusted, default 0. */
  trustedProxyHops: number;
  /** Requests (and WebSocket connects and operations) per client IP per minute, default 1,200. */
  perIpPerMinute: number;
  /** Operations per signed-in user per minute, default 600. */
  perUserPerMinute: number;
  /** `login` and `register` fields per client IP per minute, default 20. */
  authPerIpPerMinute: number;
  /** Failed logins in a row for one account before it is blocked, default 5. */
  loginFailuresPerAccount: number;
  /** Failed logins from one IP within the failure window before it is blocked, default 20. */
  loginFailuresPerIp: number;
  /** How long a blocked account or IP may not log in, in seconds, default 300. */
  loginBlockSeconds: number;
}

/** Bounds on what one client may hold open or send. */
export interface AbuseCaps {
  /** Largest request body (HTTP 413 beyond), default 1 MiB. */
  maxBodyBytes: number;
  /** Time to send the request headers, default 10 s. */
  headersTimeoutMs: number;
  /** Time to send the whole request, default 30 s. */
  requestTimeoutMs: number;
  /** Open WebSockets per client IP (per replica), default 50. */
  maxSocketsPerIp: number;
  /** Open WebSockets per signed-in user (per replica), default 10. */
  maxSocketsPerUser: number;
  /** Active subscriptions per user across all of the user's sockets (per replica), default 50. */
  maxSubscriptionsPerUser: number;
}

/** The variables of {@link RateLimitConfig} and {@link AbuseCaps}; part of the gateway's settings. */
export const edgeSettings = {
  trustedProxyHops: setting.integer(
    'GATEWAY_TRUSTED_PROXY_HOPS',
    'proxies in front of the gateway; the client IP is read from `X-Forwarded-For` only when > 0',
    0,
  ),
  perIpPerMinute: setting.integer(
    'GATEWAY_RATE_LIMIT_PER_IP',
    'requests, WebSocket connects and operations per client IP per minute (0: off)',
    1_200,
  ),
  perUserPerMinute: setting.integer(
    'GATEWAY_RATE_LIMIT_PER_USER',
    'operations per signed-in user per minute (0: off)',
    600,
  ),
  authPerIpPerMinute: setting.integer(
    'GATEWAY_RATE_LIMIT_AUTH_PER_IP',
    '`login` and `register` calls per client IP per minute (0: off)',
    20,
  ),
  loginFailuresPerAccount: setting.integer(
    'GATEWAY_LOGIN_MAX_FAILURES',
    'failed logins in a row for one email before it is blocked for `GATEWAY_LOGIN_BLOCK_SECONDS` (0: off)',
    5,
  ),
  loginFailuresPerIp: setting.integer(
    'GATEWAY_LOGIN_MAX_FAILURES_PER_IP',
    'failed logins from one IP within 15 minutes before it is blocked (0: off)',
    20,
  ),
  loginBlockSeconds: setting.integer(
    'GATEWAY_LOGIN_BLOCK_SECONDS',
    'how long a blocked email or IP may not log in, in seconds',
    300,
    { min: 1 },
  ),
  maxBodyBytes: setting.integer(
    'GATEWAY_MAX_BODY_BYTES',
    'largest request body in bytes; a larger one is answered 413',
    1024 * 1024,
    { min: 1 },
  ),
  headersTimeoutMs: setting.integer(
    'GATEWAY_HEADERS_TIMEOUT_MS',
    'time a client has to send the request headers, in ms',
    10_000,
    { min: 1 },
  ),
  requestTimeoutMs: setting.integer(
    'GATEWAY_REQUEST_TIMEOUT_MS',
    'time a client has to send the whole request, in ms (at least the headers timeout)',
    30_000,
    { min: 1 },
  ),
  maxSocketsPerIp: setting.integer(
    'GATEWAY_MAX_SOCKETS_PER_IP',
    'open WebSockets per client IP, per gateway replica',
    50,
    { min: 1 },
  ),
  maxSocketsPerUser: setting.integer(
    'GATEWAY_MAX_SOCKETS_PER_USER',
    'open WebSockets per signed-in user, per gateway replica',
    10,
    { min: 1 },
  ),
  maxSubscriptionsPerUser: setting.integer(
    'GATEWAY_MAX_SUBSCRIPTIONS_PER_USER',
    "active subscriptions per user across all of the user's sockets, per gateway replica",
    50,
    { min: 1 },
  ),
} satisfies SettingsSpec<RateLimitConfig & AbuseCaps>;

/** Picks the rate limits and caps out of the gateway's settings values. */
export function edgeConfigOf(values: RateLimitConfig & AbuseCaps): {
  rateLimits: RateLimitConfig;
  caps: AbuseCaps;
} {
  return {
    rateLimits: {
      trustedProxyHops: values.trustedProxyHops,
      perIpPerMinute: values.perIpPerMinute,
      perUserPerMinute: values.perUserPerMinute,
      authPerIpPerMinute: values.authPerIpPerMinute,
      loginFailuresPerAccount: values.loginFailuresPerAccount,
      loginFailuresPerIp: values.loginFailuresPerIp,
      loginBlockSeconds: values.loginBlockSeconds,
    },
    caps: {
      maxBodyBytes: values.maxBodyBytes,
      headersTimeoutMs: values.headersTimeoutMs,
      // Node requires the whole request to take at least as long as its headers.
      requestTimeoutMs: Math.max(values.requestTimeoutMs, values.headersTimeoutMs),
      maxSocketsPerIp: values.maxSocketsPerIp,
      maxSocketsPerUser: values.maxSocketsPerUser,
      maxSubscriptionsPerUser: values.maxSubscriptionsPerUser,
    },
  };
}
