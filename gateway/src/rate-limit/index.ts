import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { closeRedis, createRedis, redisReady, type HttpRefusal, type Logger } from '@marketplace/platform';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../context';
import { clientIpOf } from './client-ip';
import { EdgeRateLimits } from './edge-limits';
import { rateLimitPlugin } from './plugin';
import { rateLimitedRefusal } from './refusal';

export { clientIpOf } from './client-ip';
export { EdgeRateLimits, normalizeEmail } from './edge-limits';
export { rateLimitedError, rateLimitedRefusal, retryAfterSeconds } from './refusal';
export { edgeConfigOf, edgeSettings, type AbuseCaps, type RateLimitConfig } from './settings';

/** The gateway's rate limiting: one Redis connection, the budgets, and where they are checked. */
export interface EdgeRateLimiting {
  limits: EdgeRateLimits;
  /** Per-IP budget of an HTTP request, checked before its body is read (`createGraphQLHttpServer`). */
  guard(request: IncomingMessage): Promise<HttpRefusal | undefined>;
  /** Per-user and `login`/`register` budgets, checked before planning. */
  plugin: ApolloServerPlugin<GatewayContext>;
  clientIp(request: IncomingMessage): string;
  stop(): Promise<void>;
}

/** How long start-up waits for Redis before serving anyway (failing open until it connects). */
const REDIS_START_WAIT_MS = 2_000;

/** Connects to Redis (`REDIS_URL`) and builds the budgets of {@link GatewayConfig.rateLimits}. */
export async function startEdgeRateLimiting(config: GatewayConfig, log: Logger): Promise<EdgeRateLimiting> {
  const redis = createRedis(config.redisUrl, log.child({ component: 'redis' }));
  await redisReady(redis, REDIS_START_WAIT_MS);
  const limits = new EdgeRateLimits(redis, config.rateLimits, config.redisKeyPrefix, log);
  const clientIp = (request: IncomingMessage): string =>
    clientIpOf(request, config.rateLimits.trustedProxyHops);
  return {
    limits,
    guard: async (request) => {
      const decision = await limits.request(clientIp(request));
      return decision.allowed ? undefined : rateLimitedRefusal(decision.retryAfterMs);
    },
    plugin: rateLimitPlugin(limits),
    clientIp,
    stop: () => closeRedis(redis),
  };
}
