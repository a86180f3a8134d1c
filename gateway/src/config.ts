import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationError,
  loadConfig,
  readSettings,
  serviceUrlSetting,
  setting,
  type PlatformConfig,
  type Setting,
  type SettingsSpec,
} from '@marketplace/platform';
import { operationLimitSettings, operationLimitsOf, type OperationLimits } from './limits/settings';
import { edgeConfigOf, edgeSettings, type AbuseCaps, type RateLimitConfig } from './rate-limit/settings';

export const SUBGRAPH_NAMES = ['user', 'product', 'cart', 'order', 'payment', 'delivery'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Live order tracking over `graphql-ws` (DESIGN.md §5); the variables are in {@link gatewaySettings}. */
export interface SubscriptionConfig {
  /** Serve subscriptions and consume the order topic. */
  enabled: boolean;
  /**
   * This replica's name; its Kafka consumer group is `<namespace>gateway.<instanceId>`, so every
   * replica receives every event.
   */
  instanceId: string;
  /** Active operations one socket may hold. */
  maxSubscriptionsPerConnection: number;
  /** How long a socket may stay open without `connection_init` before it is closed with 4408. */
  connectionInitWaitTimeoutMs: number;
  /**
   * Events whose payloads are rendered at the same time; each may run one federated query. Past
   * the subgraphs' capacity more only adds queueing to every event instead of finishing the
   * earlier ones first.
   */
  renderConcurrency: number;
  /**
   * Interval of the WebSocket ping that detects dead peers; a socket that does not answer within
   * the next interval is dropped (0 disables).
   */
  keepAliveMs: number;
}

/** Gateway settings on top of the shared platform configuration. */
export interface GatewayConfig extends PlatformConfig {
  /** Composed supergraph SDL; hot-reloaded on change. */
  supergraphPath: string;
  /** Per-subgraph URL overrides; otherwise the routing URLs in the supergraph. */
  serviceUrls: Partial<Record<string, string>>;
  /** Serve the Apollo Sandbox explorer on `GET /graphql` from a browser (needs introspection). */
  explorer: boolean;
  /** Answer introspection queries; off in production unless asked for. */
  introspection: boolean;
  /** What an operation may cost before it is planned (`limits/`). */
  limits: OperationLimits;
  /** Request budgets shared by replicas through Redis (`rate-limit/`). */
  rateLimits: RateLimitConfig;
  /** Bodies, request timeouts, sockets and subscriptions one client may use. */
  caps: AbuseCaps;
  subscriptions: SubscriptionConfig;
  /**
   * Timeout of one gateway → subgraph fetch attempt (`GATEWAY_SUBGRAPH_TIMEOUT_MS`); retries and
   * breakers follow the platform's `SERVICE_RETRY_*` and `CIRCUIT_BREAKER_*` settings.
   */
  subgraphTimeoutMs: number;
}

/** A boolean whose default depends on other settings: `undefined` when unset. */
function optionalBoolean(
  variable: string,
  description: string,
  defaultText: string,
): Setting<boolean | undefined> {
  const optional = setting.optional(variable, description);
  return {
    ...optional,
    defaultText,
    schema: optional.schema
      .refine((raw) => raw === undefined || ['true', 'false', '1', '0'].includes(raw), {
        message: 'expected true or false',
      })
      .transform((raw) => (raw === undefined ? undefined : raw === 'true' || raw === '1')),
  };
}

const DEFAULT_SUPERGRAPH_PATH = join(__dirname, '..', '..', 'schema', 'supergraph.graphql');

/**
 * `<NAME>_SERVICE_URL`, the variable the subgraphs use to reach each other, as the gateway's
 * override: unset, the gateway routes to the URL the supergraph names (the committed supergraph
 * names the same local defaults, so the setting documents the same default for every reader).
 */
function serviceUrlOverride(name: SubgraphName): Setting<string | undefined> {
  const shared = serviceUrlSetting(name);
  const optional = setting.optional(shared.variable, shared.description);
  return {
    ...shared,
    schema: optional.schema.refine((value) => value === undefined || URL.canParse(value), {
      message: 'expected a URL',
    }),
  };
}

type ServiceUrlSettings = { readonly [K in SubgraphName as `${K}ServiceUrl`]: Setting<string | undefined> };

const serviceUrlSettings = Object.fromEntries(
  SUBGRAPH_NAMES.map((name) => [`${name}ServiceUrl`, serviceUrlOverride(name)]),
) as ServiceUrlSettings;

/** The gateway's own variables (the platform's come from `loadConfig('gateway')`). */
export const gatewaySettings = {
  supergraphPath: {
    ...setting.string(
      'SUPERGRAPH_PATH',
      'supergraph the gateway serves (hot-reloaded)',
      DEFAULT_SUPERGRAPH_PATH,
    ),
    defaultText: 'schema/supergraph.graphql',
  },
  explorer: optionalBoolean(
    'GATEWAY_EXPLORER',
    'serve Apollo Sandbox on `GET /graphql` from a browser; needs introspection',
    'as GATEWAY_INTROSPECTION',
  ),
  introspection: optionalBoolean(
    'GATEWAY_INTROSPECTION',
    'answer introspection queries',
    'true (false when NODE_ENV=production)',
  ),
  ...operationLimitSettings,
  ...edgeSettings,
  subscriptionsEnabled: setting.boolean(
    'GATEWAY_SUBSCRIPTIONS',
    'serve live order tracking over graphql-ws and consume the order topic',
    true,
  ),
  instanceId: {
    ...setting.optional(
      'GATEWAY_INSTANCE_ID',
      "this replica's name; its Kafka consumer group is `<namespace>gateway.<instanceId>`",
    ),
    defaultText: '<hostname>-<pid>',
  },
  maxSubscriptionsPerConnection: setting.integer(
    'GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION',
    'active operations one WebSocket may hold',
    20,
    { min: 1 },
  ),
  connectionInitWaitTimeoutMs: setting.integer(
    'GATEWAY_CONNECTION_INIT_WAIT_TIMEOUT_MS',
    'a socket without `connection_init` by then is closed with 4408, in ms',
    3_000,
    { min: 1 },
  ),
  renderConcurrency: setting.integer(
    'GATEWAY_SUBSCRIPTION_RENDER_CONCURRENCY',
    'subscription events rendered at the same time (each may run one federated query)',
    16,
    { min: 1 },
  ),
  subgraphTimeoutMs: setting.integer(
    'GATEWAY_SUBGRAPH_TIMEOUT_MS',
    'timeout of a gateway → subgraph fetch in ms (above `SERVICE_TIMEOUT_MS`, which bounds the subgraph’s own calls); past it that path is `SERVICE_UNAVAILABLE`',
    10_000,
    { min: 1 },
  ),
  keepAliveMs: setting.integer(
    'GATEWAY_WS_KEEPALIVE_MS',
    'WebSocket ping interval in ms; a peer that misses one is dropped (0 disables)',
    12_000,
  ),
  ...serviceUrlSettings,
} satisfies SettingsSpec<unknown>;

/**
 * The gateway's configuration: the platform's (`loadConfig('gateway')`) and {@link gatewaySettings}.
 * Throws a `ConfigurationError` naming every bad variable.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const platform = loadConfig('gateway', env);
  const values = readSettings(gatewaySettings, env);
  const introspection = values.introspection ?? !platform.production;
  if (values.explorer && !introspection) {
    throw new ConfigurationError(
      'GATEWAY_EXPLORER=true needs introspection: the explorer reads the schema through it (set GATEWAY_INTROSPECTION=true)',
    );
  }
  const serviceUrls: Partial<Record<string, string>> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = values[`${name}ServiceUrl`];
    if (url) serviceUrls[name] = url;
  }
  return {
    ...platform,
    supergraphPath: values.supergraphPath,
    serviceUrls,
    explorer: values.explorer ?? introspection,
    introspection,
    limits: operationLimitsOf(values),
    subgraphTimeoutMs: values.subgraphTimeoutMs,
    ...edgeConfigOf(values),
    subscriptions: {
      enabled: values.subscriptionsEnabled,
      instanceId: values.instanceId?.trim() || `${hostname()}-${process.pid}`,
      maxSubscriptionsPerConnection: values.maxSubscriptionsPerConnection,
      connectionInitWaitTimeoutMs: values.connectionInitWaitTimeoutMs,
      renderConcurrency: values.renderConcurrency,
      keepAliveMs: values.keepAliveMs,
    },
  };
}
