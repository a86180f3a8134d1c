import type { IncomingMessage, Server } from 'node:http';
import type { Agent } from 'undici';
import type { GraphQLSchema } from 'graphql';
import { ApolloGateway, type SupergraphSdlHook } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  accessLogPlugin,
  closeServer,
  createGraphQLHttpServer,
  createLogger,
  listen,
  maskInternalErrors,
  operationMetricsPlugin,
  ServiceMetrics,
  startMetricsServer,
  type MetricsServer,
  requestGuardPlugin,
  requestIdOf,
  viewerFromHeader,
  type Logger,
  type ReadinessProbes,
} from '@marketplace/platform';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { createSubgraphAgent, SubgraphDataSource } from './datasource';
import {
  formatLimitErrors,
  operationLimitChecks,
  registerSupergraph,
  variableCostPlugin,
  type OperationLimitChecks,
} from './limits';
import { clientIpOf, startEdgeRateLimiting, type EdgeRateLimiting } from './rate-limit';
import { startSubscriptionServer, type SubscriptionServer } from './subscriptions/server';
import { supergraphFromFile } from './supergraph-source';

export type { GatewayContext } from './context';

export interface GatewayOptions {
  config: GatewayConfig;
  log?: Logger;
  /** Supergraph SDL to serve instead of watching `config.supergraphPath` (tests). */
  supergraphSdl?: string;
}

export interface RunningGateway {
  config: GatewayConfig;
  url: string;
  port: number;
  server: Server;
  gateway: ApolloGateway;
  apollo: ApolloServer<GatewayContext>;
  /** Live order tracking over graphql-ws; absent when `config.subscriptions.enabled` is false. */
  subscriptions?: SubscriptionServer;
  metrics: ServiceMetrics;
  /** `GET /metrics` on its own port; absent when `METRICS_ENABLED=false`. */
  metricsServer?: MetricsServer;
  stop(): Promise<void>;
}

/**
 * The gateway over the supergraph; every subgraph is reached through a {@link SubgraphDataSource}
 * (credentials forwarded, timeouts, retries for queries, a breaker per subgraph) over `agent`.
 */
export function buildGateway(
  options: GatewayOptions,
  log: Logger,
  agent: Agent,
  metrics?: ServiceMetrics,
): ApolloGateway {
  const { config } = options;
  const supergraph: SupergraphSdlHook | string =
    options.supergraphSdl ?? supergraphFromFile(config.supergraphPath, log);
  return new ApolloGateway({
    supergraphSdl: supergraph,
    buildService: ({ name, url }) => {
      const target = config.serviceUrls[name] ?? url;
      if (!target) throw new Error(`the supergraph names no URL for subgraph ${name}`);
      return new SubgraphDataSource({ name, url: target, config, agent, log, metrics });
    },
    logger: log,
    // Each fetch of a cached plan carries its parsed operation, so the data source reads whether it
    // is a mutation (never retried) without parsing the subgraph query again on every fetch: that
    // parse was ~2% of the gateway's CPU under load (README › Profiling). Costs plan-cache memory.
    queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
  });
}

function createApollo(
  config: GatewayConfig,
  gateway: ApolloGateway,
  log: Logger,
  limits: OperationLimitChecks,
  rateLimiting: EdgeRateLimiting,
  metrics: ServiceMetrics,
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatLimitErrors(maskInternalErrors(log)),
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    // Operation limits run before the query planner sees the operation (limits/).
    parseOptions: limits.parseOptions,
    validationRules: [...limits.validationRules],
    plugins: [
      // Client mistakes of the whole request (no operation, subscription over HTTP, bad variables,
      // malformed DateTime, NUL in a string) are 4xx before planning; no subgraph sees them.
      requestGuardPlugin(),
      // Golden signals by operation, and refusals of the limits and budgets below.
      operationMetricsPlugin<GatewayContext>(metrics),
      // One line per client operation (name, type, duration, outcome, request id; never variables).
      accessLogPlugin({ log }),
      variableCostPlugin(config.limits),
      // Per-user and login/register budgets (rate-limit/); the per-IP one runs before the body is read.
      rateLimiting.plugin,
      config.explorer
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    // runMain owns SIGINT/SIGTERM and stops subscriptions, HTTP and Apollo in order.
    stopOnTerminationSignals: false,
  });
}

/** The context of an HTTP request: the verified caller, and what is forwarded to subgraphs. */
export const contextOf =
  (config: GatewayConfig) =>
  async (request: IncomingMessage, signal?: AbortSignal): Promise<GatewayContext> => {
    const authorization = request.headers.authorization ?? null;
    // Verify here too: a bad token is refused before any subgraph is called.
    const viewer = viewerFromHeader(authorization, config.jwtSecret);
    return {
      viewer,
      authorization,
      requestId: requestIdOf(request),
      signal,
      clientIp: clientIpOf(request, config.rateLimits.trustedProxyHops),
    };
  };

/**
 * Starts the gateway: HTTP GraphQL (and the explorer) on `/graphql`, graphql-ws subscriptions on the
 * same path, health on `/health/*` (readiness includes `kafka`: the order event consumer has joined).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const log = options.log ?? createLogger('gateway', config.logLevel, config.logFormat);
  const agent = createSubgraphAgent({ connectTimeoutMs: config.subgraphTimeoutMs });
  const metrics = new ServiceMetrics('gateway');
  const gateway = buildGateway(options, log, agent, metrics);
  // Registered before the first load, so subscriptions always validate against the served schema.
  let apiSchema: GraphQLSchema | undefined;
  const stopTrackingSchema = gateway.onSchemaLoadOrUpdate((loaded) => {
    // Before Apollo's own listener: the cost rule finds the model of every schema it validates with.
    registerSupergraph(loaded.apiSchema, loaded.coreSupergraphSdl);
    apiSchema = loaded.apiSchema;
  });
  const limits = operationLimitChecks(config.limits);
  const rateLimiting = await startEdgeRateLimiting(config, log);
  const apollo = createApollo(config, gateway, log, limits, rateLimiting, metrics);
  await apollo.start();

  // Probes are read on every request, so the Kafka one can be added once subscriptions exist.
  const readiness: ReadinessProbes = {};
  const server = createGraphQLHttpServer({
    apollo,
    context: contextOf(config),
    log,
    readiness,
    guard: async (request) => {
      const refusal = await rateLimiting.guard(request);
      if (refusal) metrics.rateLimited.inc({ limit: 'ip' });
      return refusal;
    },
    maxBodyBytes: config.caps.maxBodyBytes,
    headersTimeoutMs: config.caps.headersTimeoutMs,
    requestTimeoutMs: config.caps.requestTimeoutMs,
  });
  const subscriptions = config.subscriptions.enabled
    ? startSubscriptionServer({
        httpServer: server,
        path: '/graphql',
        apollo,
        schema: () => apiSchema,
        limits,
        rateLimits: rateLimiting.limits,
        config,
        log: log.child({ component: 'subscriptions' }),
        metrics,
      })
    : undefined;
  if (subscriptions) readiness.kafka = async () => subscriptions.source.consuming;
  if (subscriptions) {
    metrics.addProbe(() => {
      metrics.websockets.set(subscriptions.connectionCount());
      metrics.subscriptions.set(subscriptions.fanOut.size);
    });
  }
  // Started last (it only reads what the rest built); `stop` closes it if it was.
  const metricsListener: { server?: MetricsServer } = {};

  let stopping: Promise<void> | undefined;
  /** Sockets and the Kafka consumer first (they hold HTTP connections open), then HTTP, then Apollo. */
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await subscriptions?.stop();
      if (server.listening) await closeServer(server);
      stopTrackingSchema();
      await apollo.stop();
      await agent.close();
      await rateLimiting.stop();
      await metricsListener.server?.stop();
      log.info('gateway stopped');
    })());
  const port = await listen(server, config.port, config.host).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  log.info({ url }, 'gateway ready');
  const metricsServer = await startMetricsServer(metrics, config, log).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  metricsListener.server = metricsServer;
  return { config, url, port, server, gateway, apollo, subscriptions, metrics, metricsServer, stop };
}
