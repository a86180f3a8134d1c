import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import {
  CallTimeoutError,
  forbidden,
  REQUEST_ID_HEADER,
  guardFor,
  type TargetGuard,
  TargetUnavailableError,
  unauthenticated,
  withTimeout,
  secondsSince,
  type Logger,
  type ServiceMetrics,
  type TargetGuardConfig,
} from '@marketplace/platform';
import { getOperationAST, GraphQLError, parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { Agent } from 'undici';
import type { GatewayContext } from '../context';
import { undiciFetcher, withAttemptSignal } from './fetcher';
import { failedPath } from './failed-path';

/** What a {@link SubgraphDataSource} follows: the platform's retry and breaker settings, and its timeout. */
export type SubgraphCallConfig = TargetGuardConfig & {
  /** `GATEWAY_SUBGRAPH_TIMEOUT_MS`: one attempt. */
  subgraphTimeoutMs: number;
};

export interface SubgraphDataSourceOptions {
  /** The subgraph's name in the supergraph, e.g. `product`. */
  name: string;
  url: string;
  config: SubgraphCallConfig;
  /** The keep-alive pool shared by all subgraphs. */
  agent: Agent;
  log: Logger;
  /** Fetch latency by outcome, the breaker's state and retries. */
  metrics?: ServiceMetrics;
}

/**
 * A non-2xx answer of a subgraph. One that carries a GraphQL response (a 4xx for a request the
 * subgraph refused) is passed on as that response; anything else is the subgraph failing.
 */
class SubgraphHttpError extends GraphQLError {
  override readonly name = 'SubgraphHttpError';

  constructor(
    readonly status: number,
    readonly body?: { data?: unknown; errors: GraphQLFormattedError[] },
  ) {
    super(`HTTP ${status}${body ? '' : ' without a GraphQL answer'}`);
  }
}

/** Network errors, timeouts, a 5xx or a non-GraphQL answer: the subgraph is unwell. */
function isSubgraphFailure(error: unknown): boolean {
  if (error instanceof SubgraphHttpError) return error.status >= 500 || !error.body;
  // undici reports a refused or reset connection as `TypeError: fetch failed`; a body that is
  // not JSON fails to parse.
  return error instanceof CallTimeoutError || error instanceof TypeError || error instanceof SyntaxError;
}

/** The operation a fetch sends to the subgraph; none for health checks and schema loading. */
const operationOf = (options: GraphQLDataSourceProcessOptions<GatewayContext>): DocumentNode | undefined =>
  'incomingRequestContext' in options
    ? (options.document ?? (options.request.query ? parse(options.request.query) : undefined))
    : undefined;

/** A subgraph's own refusal as the gateway passes it on: message, path and code, nothing of HTTP. */
const refusal = ({ message, path, extensions }: GraphQLFormattedError): GraphQLFormattedError => {
  const { http: _http, stacktrace: _stacktrace, ...rest } = extensions ?? {};
  return { message, ...(path ? { path } : {}), extensions: rest };
};

/**
 * The gateway's connection to one subgraph: keep-alive undici fetches carrying the caller's
 * `Authorization` and request id; each attempt bounded by `GATEWAY_SUBGRAPH_TIMEOUT_MS` and by
 * the client's own request (a client that disconnects cancels its subgraph fetches); queries
 * retried on failures of the subgraph within a budget, mutations never; a circuit breaker per
 * subgraph that fails fast while it is down and half-opens later.
 *
 * An unavailable subgraph does not fail the whole operation: the fetch answers a
 * `SERVICE_UNAVAILABLE` error on its path, and the rest of the result stays. A subgraph's HTTP
 * refusal (e.g. 401) reaches the client as the subgraph's own GraphQL error, never with its
 * address or raw body.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly guard: TargetGuard;
  private readonly timeoutMs: number;
  private readonly log: Logger;
  private readonly subgraph: string;
  private readonly metrics: ServiceMetrics | undefined;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: undiciFetcher(options.agent) });
    const { config, name } = options;
    this.subgraph = name;
    this.timeoutMs = config.subgraphTimeoutMs;
    this.log = options.log.child({ subgraph: name });
    this.metrics = options.metrics;
    this.guard = guardFor(name, config, isSubgraphFailure, options.log, options.metrics);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading run with an empty context.
    if (context?.authorization) request.http?.headers.set('authorization', context.authorization);
    if (context?.requestId) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }

  /** One fetch, timed by outcome: `ok`, `error` (a GraphQL error) or `failed` (no usable answer). */
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    // Health checks and schema loading are not client traffic.
    if (!this.metrics || !('incomingRequestContext' in options)) return this.guardedProcess(options);
    const startedAt = performance.now();
    let outcome = 'failed';
    try {
      const response = await this.guardedProcess(options);
      const failed = response.errors?.some((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE');
      outcome = failed ? 'failed' : response.errors?.length ? 'error' : 'ok';
      return response;
    } finally {
      this.metrics.subgraphFetchDuration.observe(
        { subgraph: this.subgraph, outcome },
        secondsSince(startedAt),
      );
    }
  }

  private async guardedProcess(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const signal = options.context?.signal;
    const operation = operationOf(options);
    const mutation = operation !== undefined && getOperationAST(operation)?.operation === 'mutation';
    try {
      return await this.guard.execute(
        () =>
          withTimeout(this.timeoutMs, signal, (attemptSignal) =>
            withAttemptSignal(attemptSignal, () => super.process(options)),
          ),
        !mutation,
        signal,
      );
    } catch (error) {
      if (error instanceof SubgraphHttpError && error.body) {
        return {
          data: error.body.data ?? null,
          errors: error.body.errors.map(refusal),
        } as GatewayGraphQLResponse;
      }
      if (signal?.aborted) {
        // Nobody reads this answer: the client is gone.
        return { errors: [{ message: 'The request was aborted', extensions: { code: 'BAD_REQUEST' } }] };
      }
      if (!(error instanceof TargetUnavailableError)) throw error;
      // One line per failed fetch; while the breaker is open its opening was the line.
      if (error.reason === 'failed') this.log.warn({ err: error.cause }, 'subgraph fetch failed');
      const path = failedPath(operation);
      return {
        errors: [
          {
            message: `The ${this.subgraph} service is unavailable`,
            ...(path ? { path } : {}),
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      } as GatewayGraphQLResponse;
    }
  }

  /** A non-JSON answer is the subgraph failing, never text to show (or put in a message). */
  override async parseBody(response: FetcherResponse): Promise<object | string> {
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
      return response.json() as Promise<object>;
    }
    await response.arrayBuffer();
    throw new SubgraphHttpError(response.status);
  }

  /**
   * Replaces Apollo's error, which carries the subgraph's URL and raw body in `extensions.response`.
   * A 401 or 403 without a GraphQL answer becomes the platform's own `UNAUTHENTICATED`/`FORBIDDEN`.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<SubgraphHttpError> {
    const body: unknown = await this.parseBody(response).catch(() => undefined);
    const errors = (body as { errors?: unknown } | undefined)?.errors;
    if (!Array.isArray(errors) || errors.length === 0) {
      const refused =
        response.status === 401 ? unauthenticated() : response.status === 403 ? forbidden() : undefined;
      return new SubgraphHttpError(
        response.status,
        refused && { errors: [{ message: refused.message, extensions: { code: refused.extensions.code } }] },
      );
    }
    return new SubgraphHttpError(response.status, {
      data: (body as { data?: unknown }).data,
      errors: errors as GraphQLFormattedError[],
    });
  }
}
