import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
  type SupergraphSdlHook,
} from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  closeServer,
  createGraphQLHttpServer,
  createLogger,
  listen,
  maskInternalErrors,
  viewerFromHeader,
  type Logger,
  type Viewer,
} from '@marketplace/platform';
import type { GatewayConfig } from './config';
import { supergraphFromFile } from './supergraph-source';

/** Per-request gateway context: the verified caller and what is forwarded to subgraphs. */
export interface GatewayContext extends BaseContext {
  viewer: Viewer | null;
  authorization: string | null;
  requestId: string;
}

export interface GatewayOptions {
  config: GatewayConfig;
  log?: Logger;
  /** Supergraph SDL to serve instead of watching `config.supergraphPath` (tests). */
  supergraphSdl?: string;
}

export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  gateway: ApolloGateway;
  stop(): Promise<void>;
}

/** Forwards the caller's credentials and request id to every subgraph call. */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
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

/** Starts the gateway: HTTP GraphQL (and the explorer) on `/graphql`, health on `/health/*`. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const log = options.log ?? createLogger('gateway', config.logLevel);
  const gateway = buildGateway(options, log);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: maskInternalErrors(log),
    includeStacktraceInErrorResponses: false,
    plugins: [
      config.explorer
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const context = async (request: IncomingMessage): Promise<GatewayContext> => {
    const authorization = request.headers.authorization ?? null;
    // Verify here too: a bad token is refused before any subgraph is called.
    const viewer = viewerFromHeader(authorization, config.jwtSecret);
    const requestId = (request.headers['x-request-id'] as string | undefined) ?? randomUUID();
    return { viewer, authorization, requestId };
  };
  const server = createGraphQLHttpServer({ apollo, context, log });
  const port = await listen(server, config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  log.info({ url }, 'gateway ready');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await closeServer(server);
      await apollo.stop();
      log.info('gateway stopped');
    })());
  return { url, port, server, gateway, stop };
}
