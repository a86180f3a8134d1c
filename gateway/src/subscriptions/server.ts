import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, makeServer } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import { createKafka, namespaced, TOPICS, unauthenticated, type Logger } from '@marketplace/platform';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../context';
import {
  ANONYMOUS,
  authenticateConnection,
  checkOrderAccess,
  msUntilExpiry,
  requireCaller,
  type Caller,
  type ConnectionIdentity,
} from './auth';
import { EventStream } from './event-stream';
import { FanOut } from './fan-out';
import { OrderEventSource } from './order-events.source';
import { executorFor, PayloadExecutor } from './payload-executor';
import { prepareOperation, type PreparedOperation, type PreparedSubscription } from './validation';

export interface SubscriptionServerOptions {
  httpServer: Server;
  /** WebSocket path; the same as the HTTP GraphQL endpoint. */
  path: string;
  apollo: ApolloServer<GatewayContext>;
  /** The current API schema (follows supergraph hot reloads). */
  schema: () => GraphQLSchema | undefined;
  config: GatewayConfig;
  log: Logger;
}

/** The live-tracking side of a running gateway. */
export interface SubscriptionServer {
  fanOut: FanOut;
  source: OrderEventSource;
  /** Open sockets. */
  connectionCount(): number;
  stop(): Promise<void>;
}

/** What a socket carries between graphql-ws callbacks. */
interface Connection {
  socket: WebSocket;
  identity: ConnectionIdentity;
  expiryTimer?: NodeJS.Timeout;
}

type SubscriptionContext =
  | { kind: 'subscription'; prepared: PreparedSubscription; caller: Caller; orderId: string | null }
  | { kind: 'operation'; prepared: PreparedOperation; identity: ConnectionIdentity };

/** Largest accepted WebSocket message (the HTTP endpoint's body limit). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** `setTimeout` cannot wait longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes the socket with 4401 when the token expires: every subscription on it ends then. */
function scheduleExpiry(connection: Connection): void {
  const { viewer } = connection.identity;
  if (!viewer) return;
  const wait = msUntilExpiry(viewer);
  connection.expiryTimer = setTimeout(
    () => {
      if (msUntilExpiry(viewer) > 0) return scheduleExpiry(connection);
      connection.socket.close(CloseCode.Unauthorized, 'Token expired');
    },
    Math.max(0, Math.min(wait, MAX_TIMER_MS)),
  );
}

/**
 * Serves `graphql-ws` on the gateway's HTTP server and feeds it from the order topic.
 *
 * - `connection_init`: the token in `connectionParams` is verified; a bad or expired one closes the
 *   socket with 4403. Anonymous sockets may connect, but every subscription needs a viewer. When the
 *   token expires the socket is closed with 4401 ("Token expired"), ending its subscriptions; the
 *   client reconnects with a fresh token.
 * - `subscribe`: validated against the current API schema (errors come back as an `error`
 *   message); `orderStatusChanged` also checks access to the order through the gateway as the
 *   caller. Queries and mutations sent over the socket are executed through the gateway like HTTP
 *   requests, with the socket's identity.
 * - Protocol violations (malformed messages → 4400, no `connection_init` in time → 4408) close
 *   only the offending socket.
 */
export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { config, log, apollo } = options;
  const settings = config.subscriptions;
  const execute = executorFor(apollo);
  const fanOut = new FanOut({
    payloads: new PayloadExecutor(execute, log),
    log,
    concurrency: settings.renderConcurrency,
  });
  const source = new OrderEventSource({
    kafka: createKafka(config, log.child({ component: 'order-events' }), `gateway-${settings.instanceId}`),
    topic: namespaced(config, TOPICS.order),
    groupId: namespaced(config, `gateway.${settings.instanceId}`),
    log: log.child({ component: 'order-events' }),
    onEvents: (events) => fanOut.publish(events),
  });

  const server = makeServer<Record<string, unknown>, Connection>({
    connectionInitWaitTimeout: settings.connectionInitWaitTimeoutMs,
    onConnect: (ctx) => {
      try {
        ctx.extra.identity = authenticateConnection(ctx.connectionParams, config.jwtSecret);
      } catch (error) {
        log.debug({ err: error }, 'socket refused: bad token');
        return false;
      }
      scheduleExpiry(ctx.extra);
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      const prepared = prepareOperation(options.schema(), payload);
      if (Array.isArray(prepared)) return prepared;
      if (Object.keys(ctx.subscriptions).length > settings.maxSubscriptionsPerConnection) {
        return [
          new GraphQLError(
            `At most ${settings.maxSubscriptionsPerConnection} operations may be active on one connection`,
            { extensions: { code: 'BAD_REQUEST', limit: settings.maxSubscriptionsPerConnection } },
          ),
        ];
      }
      const base = { document: prepared.document, operationName: prepared.operationName };
      if (prepared.kind === 'operation') {
        const contextValue: SubscriptionContext = {
          kind: 'operation',
          prepared,
          identity: ctx.extra.identity,
        };
        return { ...base, schema: prepared.schema, variableValues: prepared.variables, contextValue };
      }
      try {
        const caller = requireCaller(ctx.extra.identity);
        const orderId =
          prepared.orderId === null ? null : await checkOrderAccess(execute, caller, prepared.orderId);
        const contextValue: SubscriptionContext = { kind: 'subscription', prepared, caller, orderId };
        return { ...base, schema: prepared.schema, variableValues: prepared.variables, contextValue };
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        log.error({ err: error, subscriptionId: id }, 'subscription could not be authorised');
        return [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
      }
    },
    subscribe: (args: ExecutionArgs) => {
      const context = args.contextValue as Extract<SubscriptionContext, { kind: 'subscription' }>;
      let remove = (): void => undefined;
      const stream = new EventStream<FormattedExecutionResult>(() => remove());
      remove = fanOut.add({
        prepared: context.prepared,
        caller: context.caller,
        orderId: context.orderId,
        stream,
      });
      // Results are formatted once per group and passed through `onNext` untouched.
      return stream as unknown as AsyncGenerator<ExecutionResult>;
    },
    execute: async (args: ExecutionArgs) => {
      const { prepared, identity } = args.contextValue as Extract<SubscriptionContext, { kind: 'operation' }>;
      if (identity.viewer && msUntilExpiry(identity.viewer) <= 0) {
        return { errors: [unauthenticated('Token has expired')] };
      }
      const response = await apollo.executeOperation(
        { query: prepared.query, variables: prepared.variables, operationName: prepared.operationName },
        { contextValue: { ...identity, requestId: randomUUID() } },
      );
      if (response.body.kind !== 'single') {
        return { errors: [new GraphQLError('@defer and @stream are not supported over WebSocket')] };
      }
      return response.body.singleResult as ExecutionResult;
    },
    // Every result is already a formatted (and masked) result; send it as it is.
    onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== options.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (websocket) => wss.emit('connection', websocket, request));
  };
  options.httpServer.on('upgrade', onUpgrade);

  wss.on('connection', (socket: WebSocket) => {
    const connection: Connection = { socket, identity: ANONYMOUS };
    const closed = server.opened(
      {
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
      },
      connection,
    );
    let alive = true;
    const keepAlive =
      settings.keepAliveMs > 0
        ? setInterval(() => {
            if (!alive) return socket.terminate();
            alive = false;
            socket.ping();
          }, settings.keepAliveMs)
        : undefined;
    socket.on('pong', () => (alive = true));
    socket.on('error', (error) => log.debug({ err: error }, 'WebSocket error'));
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      clearTimeout(connection.expiryTimer);
      closed(code, reason.toString()).catch((error: unknown) =>
        log.error({ err: error }, 'graphql-ws close handling failed'),
      );
    });
  });

  source.start();

  let stopping: Promise<void> | undefined;
  return {
    fanOut,
    source,
    connectionCount: () => wss.clients.size,
    stop: () =>
      (stopping ??= (async () => {
        options.httpServer.off('upgrade', onUpgrade);
        const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
        for (const socket of wss.clients) socket.close(1001, 'Going away');
        // Peers get a moment for the closing handshake; the rest are cut off.
        const cutOff = setTimeout(() => wss.clients.forEach((socket) => socket.terminate()), 1_000);
        await closed;
        clearTimeout(cutOff);
        await source.stop();
      })()),
  };
}
