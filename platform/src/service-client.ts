import { GraphQLError } from 'graphql';
import { SERVICE_PORTS, type PlatformConfig } from './config';
import { CLIENT_ERROR_CODES } from './errors';
import { setting, type Setting } from './settings';

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

/** How a {@link ServiceClient} reaches its target. */
export interface ServiceClientOptions {
  /** The callee's name, e.g. `product`; named in errors. */
  service: string;
  /** The callee's GraphQL endpoint, e.g. `PRODUCT_SERVICE_URL`. */
  url: string;
  /** The platform configuration: `SERVICE_TIMEOUT_MS` bounds each call. */
  config: Pick<PlatformConfig, 'serviceTimeoutMs'>;
  /** Awaited before each HTTP call. Default: none (calls are not paced). */
  limiter?: CallLimiter;
}

/**
 * A small GraphQL-over-HTTP client for the few synchronous reads one subgraph makes of another
 * (e.g. cart asks product for prices and stock). It forwards the caller's own token, so the
 * callee applies the same authorization as for the caller. Client errors of the callee
 * (`NOT_FOUND`, `BAD_USER_INPUT`, …) are re-raised with their code; anything else is internal.
 */
export class ServiceClient {
  readonly serviceName: string;
  readonly url: string;

  constructor(private readonly options: ServiceClientOptions) {
    this.serviceName = options.service;
    this.url = options.url;
  }

  async request<TData>(
    query: string,
    variables: Record<string, unknown>,
    authorization?: string | null,
  ): Promise<TData> {
    await this.options.limiter?.acquire();
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(this.options.config.serviceTimeoutMs),
    });
    const body = (await response.json()) as ServiceResponse<TData>;
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code) && code !== 'GRAPHQL_VALIDATION_FAILED') {
        throw new GraphQLError(error.message, { extensions: { ...error.extensions, code } });
      }
      throw new Error(`${this.serviceName} service failed: ${error.message}`);
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
  ): Promise<(TEntity | null)[]> {
    if (ids.length === 0) return [];
    const data = await this.request<{ _entities: (TEntity | null)[] }>(
      entitiesQuery(typename, selection),
      { representations: ids.map((id) => ({ __typename: typename, id })) },
      authorization,
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
