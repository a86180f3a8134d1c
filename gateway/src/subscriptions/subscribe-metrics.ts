import type { ExecutionArgs, GraphQLError } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { countOperation, type ServiceMetrics } from '@marketplace/platform';

/**
 * Counts a graphql-ws `subscribe` as the Apollo plugin counts HTTP operations: a subscription
 * started is `ok`, a refused message is counted with its errors (limits and budgets as refusals
 * too). A query or mutation sent over the socket runs through Apollo and is counted there.
 */
export function countSubscribe(
  metrics: ServiceMetrics | undefined,
  payload: SubscribePayload,
  result: ExecutionArgs | readonly GraphQLError[],
): void {
  if (!metrics) return;
  const operation = metrics.operationLabel(payload.operationName);
  if (Array.isArray(result)) return countOperation(metrics, operation, 'subscription', result);
  const context = (result as ExecutionArgs).contextValue as { kind?: string } | undefined;
  if (context?.kind === 'subscription') countOperation(metrics, operation, 'subscription', []);
}
