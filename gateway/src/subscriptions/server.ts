import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { CloseCode, type Server as GraphQLWsServer, type WebSocket as GraphQLWsSocket } from 'graphql-ws';
import { WebSocket } from 'ws';
import {
  BroadcastConsumer,
  createKafka,
  namespaced,
  TOPICS,
  topicSettingsOf,
  type Logger,
  type ServiceMetrics,
} from '@marketplace/platform';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../context';
import type { OperationLimitChecks } from '../limits';
import { clientIpOf, type EdgeRateLimits } from '../rate-limit';
import { SocketCaps } from '../rate-limit/socket-caps';
import { ANONYMOUS } from './auth';
import { FanOut } from './fan-out';
import { asOrderStatusChanged } from './order-event';
import { executorFor } from './gateway-execution';
import { createGraphQLWsServer, releaseConnection, type Connection } from './handlers';
import { PayloadExecutor } from './payload-executor';
import { startWebSocketTransport } from './transport';

export interface SubscriptionServerOptions {
  httpServer: Server;
  /** WebSocket path; the same as the HTTP GraphQL endpoint. */
  path: string;
  apollo: ApolloServer<GatewayContext>;
  /** The current API schema (follows supergraph hot reloads). */
  schema: () => GraphQLSchema | undefined;
  /** The gateway's operation limits; subscriptions are held to them too. */
  limits: OperationLimitChecks;
  /** The edge's budgets: connects and operations on sockets spend them like HTTP requests. */
  rateLimits: EdgeRateLimits;
  config: GatewayConfig;
  log: Logger;
  /** Push latency, refused sockets and the order consumer's lag. */
  metrics?: ServiceMetrics;
}

/** The live-tracking side of a running gateway. */
export interface SubscriptionServer {
  fanOut: FanOut;
  source: BroadcastConsumer;
  /** Open sockets. */
  connectionCount(): number;
  /** Closes every socket and stops consuming; idempotent. */
  stop(): Promise<void>;
}

/** A `ws` socket as graphql-ws speaks to it; a message that cannot be handled closes only that socket. */
function graphqlWsSocket(socket: WebSocket, log: Logger): GraphQLWsSocket {
  return {
    protocol: socket.protocol,
    send: (data) =>
      new Promise<void>((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) return resolve();
        socket.send(data, (error) => (error ? reject(error) : resolve()));
      }),
    close: (code, reason) => socket.close(code, reason),
    onMessage: (handle) =>
      socket.on('message', (data) => {
        handle(String(data)).catch((error: unknown) => {
          log.error({ err: error }, 'graphql-ws message handling failed');
          socket.close(CloseCode.InternalServerError, 'Internal server error');
        });
      }),
  };
}

/** Hands each socket to graphql-ws; returns what the transport runs when it has closed. */
function serveSocket(
  protocol: GraphQLWsServer<Connection>,
  socket: WebSocket,
  clientIp: string,
  caps: SocketCaps,
  log: Logger,
) {
  const connection: Connection = {
    close: (code, reason) => socket.close(code, reason),
    identity: ANONYMOUS,
    clientIp,
    releases: [caps.socketOpened(clientIp)],
  };
  const closed = protocol.opened(graphqlWsSocket(socket, log), connection);
  return (code: number, reason: string): void => {
    releaseConnection(connection);
    closed(code, reason).catch((error: unknown) =>
      log.error({ err: error }, 'graphql-ws close handling failed'),
    );
  };
}

/** This replica's own consumer of the order topic; `OrderStatusChanged` events go to the fan-out. */
function createOrderEventSource(
  config: GatewayConfig,
  log: Logger,
  fanOut: FanOut,
  metrics?: ServiceMetrics,
): BroadcastConsumer {
  const { instanceId } = config.subscriptions;
  const sourceLog = log.child({ component: 'order-events' });
  return new BroadcastConsumer({
    kafka: createKafka(config, sourceLog, `gateway-${instanceId}`),
    topic: namespaced(config, TOPICS.order),
    topicSettings: topicSettingsOf(config),
    groupId: namespaced(config, `gateway.${instanceId}`),
    log: sourceLog,
    metrics,
    onEvents: (events) => fanOut.publish(events.flatMap((event) => asOrderStatusChanged(event) ?? [])),
  });
}

/**
 * Serves `graphql-ws` on the gateway's HTTP server and feeds it from the order topic: the order
 * event source publishes to the fan-out, which renders payloads through the gateway and pushes
 * them to the subscriptions that the graphql-ws handlers (`handlers.ts`) registered on sockets of
 * the WebSocket transport (`transport.ts`).
 */
export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { config, log, apollo } = options;
  const settings = config.subscriptions;
  const execute = executorFor(apollo);
  const fanOut = new FanOut({
    payloads: new PayloadExecutor(execute, log),
    log,
    concurrency: settings.renderConcurrency,
    metrics: options.metrics,
  });
  const source = createOrderEventSource(config, log, fanOut, options.metrics);
  const caps = new SocketCaps(config.caps, options.rateLimits);
  const clientIp = (request: IncomingMessage): string =>
    clientIpOf(request, config.rateLimits.trustedProxyHops);
  const protocol = createGraphQLWsServer({
    apollo,
    execute,
    fanOut,
    schema: options.schema,
    limits: options.limits,
    caps,
    jwtSecret: config.jwtSecret,
    maxSubscriptionsPerConnection: settings.maxSubscriptionsPerConnection,
    connectionInitWaitTimeoutMs: settings.connectionInitWaitTimeoutMs,
    log,
    metrics: options.metrics,
  });
  const transport = startWebSocketTransport({
    httpServer: options.httpServer,
    path: options.path,
    keepAliveMs: settings.keepAliveMs,
    log,
    admit: async (request) => {
      const refusal = await caps.admitSocket(clientIp(request));
      if (refusal) options.metrics?.rateLimited.inc({ limit: 'websocket' });
      return refusal;
    },
    onSocket: (socket, request) => serveSocket(protocol, socket, clientIp(request), caps, log),
  });
  source.start();

  let stopping: Promise<void> | undefined;
  return {
    fanOut,
    source,
    connectionCount: transport.connectionCount,
    stop: () => (stopping ??= Promise.all([transport.stop(), source.stop()]).then(() => undefined)),
  };
}
