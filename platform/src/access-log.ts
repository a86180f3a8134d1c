import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';
import { currentRequestId } from './request-id';

export interface AccessLogOptions {
  log: Logger;
  /** `info` at the gateway (one line per client operation); `debug` in subgraphs. Default `info`. */
  level?: 'info' | 'debug';
}

/** What an access log line holds: never the query text, its variables or the caller's token. */
export interface AccessLogEntry {
  requestId?: string;
  operationName: string | null;
  operationType: string | null;
  /** Absent for a request refused before it started (e.g. a bad token). */
  durationMs?: number;
  /** `ok`, or `error` with the distinct error codes of the answer. */
  outcome: 'ok' | 'error';
  errorCodes?: string[];
  status?: number;
}

/**
 * One log line per GraphQL operation, written when its answer is sent: operation name and type,
 * duration, outcome with the error codes the client saw (after masking) and the request id. The
 * request itself is never logged: variables carry passwords and addresses, and the query text
 * can be large and is not needed to find an operation again (its name and request id are).
 */
export function accessLogPlugin<TContext extends BaseContext>(
  options: AccessLogOptions,
): ApolloServerPlugin<TContext> {
  const level = options.level ?? 'info';
  return {
    // A request refused while its context was built (a bad token) never starts: logged here.
    contextCreationDidFail: async ({ error }) => {
      if (!options.log.isLevelEnabled(level)) return;
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      const entry: AccessLogEntry = {
        requestId: currentRequestId(),
        operationName: null,
        operationType: null,
        outcome: 'error',
        errorCodes: [typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR'],
      };
      options.log[level]({ access: entry }, 'graphql operation');
    },
    requestDidStart: async () => {
      const startedAt = performance.now();
      return {
        willSendResponse: async (requestContext) => {
          if (!options.log.isLevelEnabled(level)) return;
          const entry = accessLogEntry(requestContext, performance.now() - startedAt);
          options.log[level]({ access: entry }, 'graphql operation');
        },
      };
    },
  };
}

/** The access log entry of an answered request (exposed for tests). */
export function accessLogEntry<TContext extends BaseContext>(
  requestContext: GraphQLRequestContextWillSendResponse<TContext>,
  durationMs: number,
): AccessLogEntry {
  const codes = [...new Set(answeredErrors(requestContext).map(codeOf))];
  const fromContext = (requestContext.contextValue as { requestId?: unknown }).requestId;
  return {
    requestId: typeof fromContext === 'string' ? fromContext : currentRequestId(),
    operationName: requestContext.operationName ?? requestContext.request.operationName ?? null,
    operationType: requestContext.operation?.operation ?? null,
    durationMs: Math.round(durationMs * 10) / 10,
    outcome: codes.length > 0 ? 'error' : 'ok',
    ...(codes.length > 0 ? { errorCodes: codes } : {}),
    ...(requestContext.response.http.status !== undefined
      ? { status: requestContext.response.http.status }
      : {}),
  };
}

/** The errors as the client receives them (formatted, so masked internals read INTERNAL_SERVER_ERROR). */
function answeredErrors(
  requestContext: GraphQLRequestContextWillSendResponse<BaseContext>,
): readonly GraphQLFormattedError[] {
  const { body } = requestContext.response;
  if (body.kind === 'single') return body.singleResult.errors ?? [];
  return body.initialResult.errors ?? [];
}

function codeOf(error: GraphQLFormattedError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}
