import { getOperationAST, GraphQLError, parse } from 'graphql';
import { SERVICE_PORTS, type PlatformConfig } from './config';
import { CLIENT_ERROR_CODES } from './errors';
import { UpstreamError } from './format-error';
import type { Logger } from './logger';
import { currentRequestId, REQUEST_ID_HEADER } from './request-id';
import {
  CallTimeoutError,
  guardFor,
  TargetUnavailableError,
  withTimeout,
  type TargetGuard,
  type TargetGuardConfig,
} from './retry';
import { setting, type Setting } from './settings';
import type { ServiceMetrics } from './telemetry/metrics';

const requestIdHeader = (): Record<string, string> => {
  const requestId = currentRequestId();
  return requestId ? { [REQUEST_ID_HEADER]: requestId } : {};
};

interface ServiceResponse<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/**
 * Paces calls to one target (e.g. a distributed rate limiter shared by replicas through Redis):
 * `acquire` resolves when the next call may go, and rejects when it may not or `signal` aborts.
 */
export interface CallLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

/** The settings of {@link PlatformConfig} a {@link ServiceClient} follows. */
export type ServiceCallConfig = Pick<PlatformConfig, 'serviceTimeoutMs'> & TargetGuardConfig;

/** How a {@link ServiceClient} reaches its target. */
export interface ServiceClientOptions {
  /** The callee's name, e.g. `product`; named in errors. */
  service: string;
  /** The callee's GraphQL endpoint, e.g. `PRODUCT_SERVICE_URL`. */
  url: string;
  /** Timeout per attempt, retries and breaker: the platform configuration. */
  config: ServiceCallConfig;
  /** Awaited before each HTTP call. Default: none (calls are not paced). */
  limiter?: CallLimiter;
  /** Where the breaker's state changes and failed calls are logged. Default: nowhere. */
  log?: Logger;
  /** Exports the breaker's state and counts retries (`SubgraphRuntime.metrics`). */
  metrics?: ServiceMetrics;
}

/** The callee answered with an HTTP error or not with GraphQL: it is unwell, not the caller wrong. */
class CalleeFailure extends Error {
  override readonly name = 'CalleeFailure';
}

/** Network errors, timeouts and a callee's 5xx: what a retry or another replica may overcome. */
function isCalleeFailure(error: unknown): boolean {
  if (error instanceof CalleeFailure || error instanceof CallTimeoutError) return true;
  // fetch reports a refused, reset or unreachable connection as a `TypeError: fetch failed`.
  return error instanceof TypeError;
}

const mutations = new Map<string, boolean>();

/** Whether `query` is a mutation (never repeated); the project's queries are constants, so cached. */
function isMutation(query: string): boolean {
  let mutation = mutations.get(query);
  if (mutation === undefined) {
    mutation = getOperationAST(parse(query))?.operation === 'mutation';
    mutations.set(query, mutation);
  }
  return mutation;
}

/**
 * A small GraphQL-over-HTTP client for the few synchronous calls one subgraph makes of another
 * (e.g. cart asks product for prices and stock). It forwards the caller's own token, so the
 * callee applies the same authorization as for the caller. Client errors of the callee
 * (`NOT_FOUND`, `BAD_USER_INPUT`, …) are re-raised with their code.
 *
 * Each attempt is bounded by `SERVICE_TIMEOUT_MS` and by the caller's `signal` (the caller's own
 * request was aborted). Reads are retried on failures of the callee (network, timeout, 5xx) with
 * backoff within a budget, mutations never; a circuit breaker per client (one per target) fails
 * fast while the callee is down. An unavailable callee is `SERVICE_UNAVAILABLE`.
 */
export class ServiceClient {
  readonly serviceName: string;
  readonly url: string;
  private readonly guard: TargetGuard;

  constructor(private readonly options: ServiceClientOptions) {
    this.serviceName = options.service;
    this.url = options.url;
    this.guard = guardFor(options.service, options.config, isCalleeFailure, options.log, options.metrics);
  }

  async request<TData>(
    query: string,
    variables: Record<string, unknown>,
    authorization?: string | null,
    /** The caller's own request: aborting it abandons this call. */
    signal?: AbortSignal,
  ): Promise<TData> {
    try {
      return await this.guard.execute(
        () => this.attempt<TData>(query, variables, authorization, signal),
        !isMutation(query),
        signal,
      );
    } catch (error) {
      if (!(error instanceof TargetUnavailableError)) throw error;
      // One line per failed call; while the breaker is open its opening was the line.
      if (error.reason === 'failed') {
        this.options.log?.warn({ err: error.cause, target: this.serviceName }, 'service call failed');
      }
      throw new GraphQLError(`The ${this.serviceName} service is unavailable`, {
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
    }
  }

  private async attempt<TData>(
    query: string,
    variables: Record<string, unknown>,
    authorization: string | null | undefined,
    signal: AbortSignal | undefined,
  ): Promise<TData> {
    await this.options.limiter?.acquire(signal);
    const { response, body } = await withTimeout(
      this.options.config.serviceTimeoutMs,
      signal,
      async (attemptSignal) => {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
            // The callee logs under the same request id as the caller's operation.
            ...requestIdHeader(),
          },
          body: JSON.stringify({ query, variables }),
          signal: attemptSignal,
        });
        if (response.status >= 500) throw new CalleeFailure(`HTTP ${response.status}`);
        const text = await response.text();
        try {
          return { response, body: JSON.parse(text) as ServiceResponse<TData> };
        } catch {
          throw new CalleeFailure(`HTTP ${response.status} without a GraphQL answer`);
        }
      },
    );
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code) && code !== 'GRAPHQL_VALIDATION_FAILED') {
        throw new GraphQLError(error.message, { extensions: { ...error.extensions, code } });
      }
      // The callee logged its own failure; the caller reports it without logging it again.
      throw new UpstreamError(`${this.serviceName} service failed: ${error.message}`);
    }
    if (!body.data) throw new Error(`${this.serviceName} service returned no data (HTTP ${response.status})`);
    return body.data;
  }

  /**
   * Resolves entities of `typename` by id through the callee's `_entities`, one request for all
   * ids; results in id order, `null` for ids the callee does not know.
   */
  async entities<TEntity>(
    typename: string,
    ids: readonly string[],
    selection: string,
    authorization?: string | null,
    signal?: AbortSignal,
  ): Promise<(TEntity | null)[]> {
    if (ids.length === 0) return [];
    const data = await this.request<{ _entities: (TEntity | null)[] }>(
      entitiesQuery(typename, selection),
      { representations: ids.map((id) => ({ __typename: typename, id })) },
      authorization,
      signal,
    );
    return data._entities;
  }
}

/**
 * Builds the `_entities` query the gateway itself would send for `typename` with `selection`
 * (e.g. `id name price { amount currency }`), so service-to-service reads use the callee's entity
 * resolution (its DataLoaders and authorization) instead of a private API.
 */
export function entitiesQuery(typename: string, selection: string): string {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(typename)) throw new Error(`not a type name: ${typename}`);
  return `query ${typename}Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`;
}

/** The setting of another subgraph's URL: `<NAME>_SERVICE_URL`, default `http://127.0.0.1:<port>/graphql`. */
export const serviceUrlSetting = (name: string): Setting<string> =>
  setting.url(
    `${name.toUpperCase()}_SERVICE_URL`,
    `where the gateway and other subgraphs reach the ${name} subgraph`,
    `http://127.0.0.1:${SERVICE_PORTS[name]}/graphql`,
  );
