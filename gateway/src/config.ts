import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type PlatformConfig } from '@marketplace/platform';

export const SUBGRAPH_NAMES = ['user', 'product', 'cart', 'order', 'payment', 'delivery'] as const;

/** Live order tracking over `graphql-ws` (DESIGN.md §5). */
export interface SubscriptionConfig {
  /** Serve subscriptions and consume the order topic (`GATEWAY_SUBSCRIPTIONS`). Default `true`. */
  enabled: boolean;
  /**
   * This replica's name (`GATEWAY_INSTANCE_ID`); its Kafka consumer group is
   * `<namespace>gateway.<instanceId>`, so every replica receives every event. Default `<hostname>-<pid>`.
   */
  instanceId: string;
  /** Active operations one socket may hold (`GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION`). Default 20. */
  maxSubscriptionsPerConnection: number;
  /**
   * How long a socket may stay open without `connection_init` before it is closed with 4408
   * (`GATEWAY_CONNECTION_INIT_WAIT_TIMEOUT_MS`). Default 3 000.
   */
  connectionInitWaitTimeoutMs: number;
  /**
   * Events whose payloads are rendered at the same time (`GATEWAY_SUBSCRIPTION_RENDER_CONCURRENCY`);
   * each may run one federated query. Past the subgraphs' capacity more only adds queueing to every
   * event instead of finishing the earlier ones first. Default 16.
   */
  renderConcurrency: number;
  /**
   * Interval of the WebSocket ping that detects dead peers; a socket that does not answer within
   * the next interval is dropped (`GATEWAY_WS_KEEPALIVE_MS`, 0 disables). Default 12 000.
   */
  keepAliveMs: number;
}

/** Gateway settings on top of the shared platform configuration. */
export interface GatewayConfig extends PlatformConfig {
  /** Composed supergraph SDL (`SUPERGRAPH_PATH`). Default `schema/supergraph.graphql`; hot-reloaded on change. */
  supergraphPath: string;
  /** Per-subgraph URL overrides (`<NAME>_SERVICE_URL`); otherwise the routing URLs in the supergraph. */
  serviceUrls: Partial<Record<string, string>>;
  /** Serve the Apollo Sandbox explorer on `GET /graphql` from a browser (`GATEWAY_EXPLORER`). Default `true`. */
  explorer: boolean;
  subscriptions: SubscriptionConfig;
}

function readCount(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer of at least ${min}, got "${raw}"`);
  }
  return value;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const serviceUrls: Partial<Record<string, string>> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = env[`${name.toUpperCase()}_SERVICE_URL`];
    if (url) serviceUrls[name] = url;
  }
  return {
    ...loadConfig('gateway', env),
    supergraphPath: env.SUPERGRAPH_PATH || join(__dirname, '..', '..', 'schema', 'supergraph.graphql'),
    serviceUrls,
    explorer: (env.GATEWAY_EXPLORER ?? 'true') !== 'false',
    subscriptions: {
      enabled: (env.GATEWAY_SUBSCRIPTIONS ?? 'true') !== 'false',
      instanceId: env.GATEWAY_INSTANCE_ID?.trim() || `${hostname()}-${process.pid}`,
      maxSubscriptionsPerConnection: readCount(env, 'GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION', 20, 1),
      connectionInitWaitTimeoutMs: readCount(env, 'GATEWAY_CONNECTION_INIT_WAIT_TIMEOUT_MS', 3_000, 1),
      renderConcurrency: readCount(env, 'GATEWAY_SUBSCRIPTION_RENDER_CONCURRENCY', 16, 1),
      keepAliveMs: readCount(env, 'GATEWAY_WS_KEEPALIVE_MS', 12_000),
    },
  };
}
