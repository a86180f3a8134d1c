import type { IncomingMessage, Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
  type SupergraphSdlHook,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  closeServer,
  createGraphQLHttpServer,
  createLogger,
  listen,
  maskInternalErrors,
  REQUEST_ID_HEADER,
  requestIdOf,
  viewerFromHeader,
  type Logger,
  type ReadinessProbes,
} from '@marketplace/platform';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
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
  stop(): Promise<void>;
}

/** Forwards the caller's credentials and request id to every subgraph call. */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    if (context.requestId) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

export function buildGateway(options: GatewayOptions, log: Logger): ApolloGateway {
  const { config } = options;
  const supergraph: SupergraphSdlHook | string =
    options.supergraphSdl ?? supergraphFromFile(config.supergraphPath, log);
  return new ApolloGateway({
    supergraphSdl: supergraph,
    buildService: ({ name, url }) => new AuthenticatedDataSource({ url: config.serviceUrls[name] ?? url }),
    logger: log,
  });
}

function createApollo(
  config: GatewayConfig,
  gateway: ApolloGateway,
  log: Logger,
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    gateway,
    formatError: maskInternalErrors(log),
    includeStacktraceInErrorResponses: false,
    plugins: [
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
  async (request: IncomingMessage): Promise<GatewayContext> => {
    const authorization = request.headers.authorization ?? null;
    // Verify here too: a bad token is refused before any subgraph is called.
    const viewer = viewerFromHeader(authorization, config.jwtSecret);
    return { viewer, authorization, requestId: requestIdOf(request) };
  };

/**
 * Starts the gateway: HTTP GraphQL (and the explorer) on `/graphql`, graphql-ws subscriptions on the
 * same path, health on `/health/*` (readiness includes `kafka`: the order event consumer has joined).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const log = options.log ?? createLogger('gateway', config.logLevel, config.logFormat);
  const gateway = buildGateway(options, log);
  // Registered before the first load, so subscriptions always validate against the served schema.
  let apiSchema: GraphQLSchema | undefined;
  const stopTrackingSchema = gateway.onSchemaLoadOrUpdate((loaded) => {
    apiSchema = loaded.apiSchema;
  });
  const apollo = createApollo(config, gateway, log);
  await apollo.start();

  // Probes are read on every request, so the Kafka one can be added once subscriptions exist.
  const readiness: ReadinessProbes = {};
  const server = createGraphQLHttpServer({ apollo, context: contextOf(config), log, readiness });
  const subscriptions = config.subscriptions.enabled
    ? startSubscriptionServer({
        httpServer: server,
        path: '/graphql',
        apollo,
        schema: () => apiSchema,
        config,
        log: log.child({ component: 'subscriptions' }),
      })
    : undefined;
  if (subscriptions) readiness.kafka = async () => subscriptions.source.consuming;

  let stopping: Promise<void> | undefined;
  /** Sockets and the Kafka consumer first (they hold HTTP connections open), then HTTP, then Apollo. */
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await subscriptions?.stop();
      if (server.listening) await closeServer(server);
      stopTrackingSchema();
      await apollo.stop();
      log.info('gateway stopped');
    })());
  const port = await listen(server, config.port, config.host).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  log.info({ url }, 'gateway ready');
  return { config, url, port, server, gateway, apollo, subscriptions, stop };
}
