import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { secondsSince, type ServiceMetrics } from './metrics';

/** The first error's code, `ok` without errors; an error without a code is an internal one. */
export function outcomeOf(errors: readonly GraphQLFormattedError[] | undefined): string {
  if (!errors || errors.length === 0) return 'ok';
  return codeOf(errors[0]);
}

const codeOf = (error: GraphQLFormattedError): string => {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
};

/**
 * Counts one answered operation by name, type and outcome, its errors by code, and — for the
 * gateway's edge protections — a refusal by operation limit or rate limit. Shared by HTTP (the
 * plugin below) and graphql-ws `subscribe`.
 */
export function countOperation(
  metrics: ServiceMetrics,
  operation: string,
  type: string,
  errors: readonly GraphQLFormattedError[] | undefined,
): void {
  metrics.operations.inc({ operation, type, outcome: outcomeOf(errors) });
  for (const error of errors ?? []) {
    const code = codeOf(error);
    metrics.errors.inc({ code });
    if (code === 'QUERY_TOO_COMPLEX') {
      const limit = error.extensions?.limit;
      metrics.operationsRefused.inc({ limit: typeof limit === 'string' ? limit : 'other' });
    }
  }
  if (errors?.some((error) => codeOf(error) === 'RATE_LIMITED'))
    metrics.rateLimited.inc({ limit: 'operation' });
}

/** The formatted errors of an answer (single results; an incremental answer counts as its first part). */
function errorsOf(
  requestContext: GraphQLRequestContextWillSendResponse<BaseContext>,
): readonly GraphQLFormattedError[] | undefined {
  const body = requestContext.response.body;
  return body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
}

/**
 * The golden signals of GraphQL operations, for the gateway and every subgraph: one count per
 * answered operation by (bounded) name, type and outcome, its duration, its errors by code, and —
 * for the gateway's edge protections — refusals by operation limit and rate limit. Errors are read
 * once formatted, so the codes are the ones the client sees.
 */
export function operationMetricsPlugin<TContext extends BaseContext>(
  metrics: ServiceMetrics,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse(requestContext) {
          const errors = errorsOf(requestContext as GraphQLRequestContextWillSendResponse<BaseContext>);
          const operation = metrics.operationLabel(
            requestContext.operationName ?? requestContext.request.operationName,
          );
          const type = requestContext.operation?.operation ?? 'unknown';
          countOperation(metrics, operation, type, errors);
          metrics.operationDuration.observe({ operation, type }, secondsSince(startedAt));
        },
      };
    },
  };
}
