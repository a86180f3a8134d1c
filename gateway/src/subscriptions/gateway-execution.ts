import { randomUUID } from 'node:crypto';
import type { ApolloServer, GraphQLRequest } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { GatewayContext } from '../context';
import type { ConnectionIdentity, ExecuteAsCaller } from './auth';

/** An operation for {@link executeThroughGateway}. */
export type GatewayOperation = Pick<GraphQLRequest, 'query' | 'variables' | 'operationName'>;

/**
 * The one way the subscription side runs an operation through the gateway's own request pipeline
 * (validation, query-plan cache, `_entities` batching, error masking) as `identity`, with a fresh
 * request id. An incremental (`@defer`/`@stream`) response, which a WebSocket result cannot carry,
 * is answered with a `BAD_REQUEST` error.
 */
export async function executeThroughGateway(
  apollo: ApolloServer<GatewayContext>,
  operation: GatewayOperation,
  identity: ConnectionIdentity,
  /** A client's operation over a socket: its per-user and login budgets apply (`rate-limit/`). */
  clientIp?: string,
): Promise<FormattedExecutionResult> {
  const response = await apollo.executeOperation(operation, {
    contextValue: {
      viewer: identity.viewer,
      authorization: identity.authorization,
      requestId: randomUUID(),
      ...(clientIp === undefined ? {} : { clientIp }),
    },
  });
  if (response.body.kind === 'single') return response.body.singleResult;
  return {
    errors: [
      { message: '@defer and @stream are not supported over WebSocket', extensions: { code: 'BAD_REQUEST' } },
    ],
  };
}

/** {@link executeThroughGateway} as the subscriptions' `ExecuteAsCaller`. */
export const executorFor =
  (apollo: ApolloServer<GatewayContext>): ExecuteAsCaller =>
  (query, variables, caller) =>
    executeThroughGateway(apollo, { query, variables }, caller);
