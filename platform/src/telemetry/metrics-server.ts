import http from 'node:http';
import { closeServer, listen } from '../http';
import type { Logger } from '../logger';
import type { ServiceMetrics } from './metrics';

/** Where a service serves its metrics (`<SERVICE>_METRICS_PORT`, `METRICS_HOST`, `METRICS_ENABLED`). */
export interface MetricsServerConfig {
  metricsEnabled: boolean;
  /** 0: any free port. */
  metricsPort: number;
  metricsHost: string;
}

export interface MetricsServer {
  /** The bound port. */
  port: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text) on a listener of its own, apart from the public API, so
 * whoever can reach the gateway cannot read the metrics; anything else is 404. Resolves with
 * `undefined` when metrics are turned off.
 */
export async function startMetricsServer(
  metrics: ServiceMetrics,
  config: MetricsServerConfig,
  log: Logger,
): Promise<MetricsServer | undefined> {
  if (!config.metricsEnabled) return undefined;
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: unknown) => {
        log.error({ err: error }, 'metrics could not be rendered');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  const port = await listen(server, config.metricsPort, config.metricsHost);
  const host = config.metricsHost === '0.0.0.0' ? 'localhost' : config.metricsHost;
  const url = `http://${host}:${port}/metrics`;
  log.info({ url }, 'metrics served');
  return { port, url, stop: () => closeServer(server, 1_000) };
}
