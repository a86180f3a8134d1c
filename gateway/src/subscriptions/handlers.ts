import type { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, makeServer, type Context, type Server, type SubscribePayload } from 'graphql-ws';
import { unauthenticated, type Logger, type ServiceMetrics } from '@marketplace/platform';
import type { GatewayContext } from '../context';
import type { OperationLimitChecks } from '../limits';
import type { SocketCaps } from '../rate-limit/socket-caps';
import {
  authenticateConnection,
  checkOrderAccess,
  msUntilExpiry,
  requireCaller,
  type Caller,
  type ConnectionIdentity,
  type ExecuteAsCaller,
} from './auth';
import { EventStream } from './event-stream';
import type { FanOut } from './fan-out';
import { executeThroughGateway } from './gateway-execution';
import { countSubscribe } from './subscribe-metrics';
import { prepareOperation, type PreparedOperation, type PreparedSubscription } from './validation';

/**
 * The graphql-ws side of live tracking: what happens on `connection_init`, `subscribe`, and how
 * subscriptions and operations are run.
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
export interface HandlerOptions {
  apollo: ApolloServer<GatewayContext>;
  /** Runs the subscribe-time access check through the gateway as the caller. */
  execute: ExecuteAsCaller;
  fanOut: FanOut;
  /** The current API schema (follows supergraph hot reloads). */
  schema: () => GraphQLSchema | undefined;
  /** Depth, aliases, tokens, directives and cost: the same limits as HTTP operations. */
  limits: OperationLimitChecks;
  /** Per-IP and per-user budgets, sockets per user and subscriptions per user. */
  caps: SocketCaps;
  jwtSecret: string;
  maxSubscriptionsPerConnection: number;
  connectionInitWaitTimeoutMs: number;
  log: Logger;
  /** Counts subscriptions started and refused. */
  metrics?: ServiceMetrics;
}

/** What a socket carries between graphql-ws callbacks. */
export interface Connection {
  /** Closes the socket (token expiry). */
  close(code: number, reason: string): void;
  identity: ConnectionIdentity;
  /** The client's IP, for the edge's per-IP budget. */
  clientIp: string;
  /** Run when the socket has closed: what it counted against its IP's and user's caps. */
  releases: (() => void)[];
  expiryTimer?: NodeJS.Timeout;
}

type ConnectionContext = Context<Record<string, unknown>, Connection>;

type OperationContext =
  | { kind: 'subscription'; prepared: PreparedSubscription; caller: Caller; orderId: string | null }
  | { kind: 'operation'; prepared: PreparedOperation; identity: ConnectionIdentity; clientIp: string };

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
      connection.close(CloseCode.Unauthorized, 'Token expired');
    },
    Math.max(0, Math.min(wait, MAX_TIMER_MS)),
  );
}

/** To run when the socket has closed. */
export function releaseConnection(connection: Connection): void {
  clearTimeout(connection.expiryTimer);
  for (const release of connection.releases.splice(0)) release();
}

function onConnect(options: HandlerOptions, ctx: ConnectionContext): boolean {
  try {
    ctx.extra.identity = authenticateConnection(ctx.connectionParams, options.jwtSecret);
  } catch (error) {
    options.log.debug({ err: error }, 'socket refused: bad token');
    return false;
  }
  const userId = ctx.extra.identity.viewer?.userId;
  if (userId) {
    const release = options.caps.userConnected(userId);
    // 1008 (policy violation): closed before graphql-ws answers 4403 for the refused connect.
    if (!release) {
      ctx.extra.close(1008, 'Too many open connections for this user');
      return false;
    }
    ctx.extra.releases.push(release);
  }
  scheduleExpiry(ctx.extra);
  return true;
}

function tooManyOperations(limit: number): GraphQLError[] {
  return [
    new GraphQLError(`At most ${limit} operations may be active on one connection`, {
      extensions: { code: 'BAD_REQUEST', limit },
    }),
  ];
}

const argsOf = (
  prepared: PreparedSubscription | PreparedOperation,
  contextValue: OperationContext,
): ExecutionArgs => ({
  schema: prepared.schema,
  document: prepared.document,
  operationName: prepared.operationName,
  variableValues: prepared.variables,
  contextValue,
});

/** Authorizes a subscription: a signed-in caller, and for `orderStatusChanged` access to the order. */
async function authorizeSubscription(
  options: HandlerOptions,
  ctx: ConnectionContext,
  id: string,
  prepared: PreparedSubscription,
): Promise<ExecutionArgs | GraphQLError[]> {
  try {
    const caller = requireCaller(ctx.extra.identity);
    const orderId =
      prepared.orderId === null ? null : await checkOrderAccess(options.execute, caller, prepared.orderId);
    return argsOf(prepared, { kind: 'subscription', prepared, caller, orderId });
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    options.log.error({ err: error, subscriptionId: id }, 'subscription could not be authorised');
    return [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
  }
}

async function onSubscribe(
  options: HandlerOptions,
  ctx: ConnectionContext,
  id: string,
  payload: SubscribePayload,
): Promise<ExecutionArgs | GraphQLError[]> {
  const prepared = prepareOperation(options.schema(), payload, options.limits);
  if (Array.isArray(prepared)) return prepared;
  const viewerId = ctx.extra.identity.viewer?.userId;
  const rateLimited = await options.caps.admitOperation(
    ctx.extra.clientIp,
    prepared.kind === 'subscription' ? viewerId : undefined,
  );
  if (rateLimited) return [rateLimited];
  const capped = prepared.kind === 'subscription' && viewerId && options.caps.subscriptionRefusal(viewerId);
  if (capped) return [capped];
  const limit = options.maxSubscriptionsPerConnection;
  if (Object.keys(ctx.subscriptions).length > limit) return tooManyOperations(limit);
  if (prepared.kind === 'operation') {
    return argsOf(prepared, {
      kind: 'operation',
      prepared,
      identity: ctx.extra.identity,
      clientIp: ctx.extra.clientIp,
    });
  }
  return authorizeSubscription(options, ctx, id, prepared);
}

/** Registers the subscriber with the fan-out; its stream ends when the client unsubscribes. */
function subscribe(fanOut: FanOut, caps: SocketCaps, args: ExecutionArgs): AsyncGenerator<ExecutionResult> {
  const { prepared, caller, orderId } = args.contextValue as Extract<
    OperationContext,
    { kind: 'subscription' }
  >;
  let remove = (): void => undefined;
  const stream = new EventStream<FormattedExecutionResult>(() => remove());
  const removeSubscriber = fanOut.add({ prepared, caller, orderId, stream });
  const release = caps.subscriptionStarted(caller.viewer.userId);
  remove = () => {
    release();
    removeSubscriber();
  };
  // Results are formatted once per group and passed through `onNext` untouched.
  return stream as unknown as AsyncGenerator<ExecutionResult>;
}

/** A query or mutation over the socket, run through the gateway as the socket's viewer. */
async function execute(options: HandlerOptions, args: ExecutionArgs): Promise<ExecutionResult> {
  const { prepared, identity, clientIp } = args.contextValue as Extract<
    OperationContext,
    { kind: 'operation' }
  >;
  if (identity.viewer && msUntilExpiry(identity.viewer) <= 0) {
    return { errors: [unauthenticated('Token has expired')] };
  }
  const { query, variables, operationName } = prepared;
  // Already formatted (and masked) by Apollo; `onNext` sends it as it is.
  return (await executeThroughGateway(
    options.apollo,
    { query, variables, operationName },
    identity,
    clientIp,
  )) as ExecutionResult;
}

/** The graphql-ws protocol server of live tracking. */
export function createGraphQLWsServer(options: HandlerOptions): Server<Connection> {
  return makeServer<Record<string, unknown>, Connection>({
    connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs,
    onConnect: (ctx) => onConnect(options, ctx),
    onSubscribe: async (ctx, id, payload) => {
      const result = await onSubscribe(options, ctx, id, payload);
      countSubscribe(options.metrics, payload, result);
      return result;
    },
    subscribe: (args) => subscribe(options.fanOut, options.caps, args),
    execute: (args) => execute(options, args),
    // Every result is already a formatted (and masked) result; send it as it is.
    onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
  });
}
