import { join } from 'node:path';
import { loadConfig, type PlatformConfig } from '@marketplace/platform';

export const SUBGRAPH_NAMES = ['user', 'product', 'cart', 'order', 'payment', 'delivery'] as const;

/** Gateway settings on top of the shared platform configuration. */
export interface GatewayConfig extends PlatformConfig {
  /** Composed supergraph SDL (`SUPERGRAPH_PATH`). Default `schema/supergraph.graphql`; hot-reloaded on change. */
  supergraphPath: string;
  /** Per-subgraph URL overrides (`<NAME>_SERVICE_URL`); otherwise the routing URLs in the supergraph. */
  serviceUrls: Partial<Record<string, string>>;
  /** Serve the Apollo Sandbox explorer on `GET /graphql` from a browser (`GATEWAY_EXPLORER`). Default `true`. */
  explorer: boolean;
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
  };
}
