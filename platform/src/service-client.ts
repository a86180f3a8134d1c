import { GraphQLError } from 'graphql';
import { CLIENT_ERROR_CODES } from './errors';

interface ServiceResponse<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/**
 * A small GraphQL-over-HTTP client for the few synchronous reads one subgraph makes of another
 * (e.g. cart asks product for prices and stock). It forwards the caller's own token, so the
 * callee applies the same authorization as for the caller. Client errors of the callee
 * (`NOT_FOUND`, `BAD_USER_INPUT`, …) are re-raised with their code; anything else is internal.
 */
export class ServiceClient {
  constructor(
    readonly serviceName: string,
    readonly url: string,
    private readonly timeoutMs = Number(process.env.SERVICE_TIMEOUT_MS || 5_000),
  ) {}

  async request<TData>(
    query: string,
    variables: Record<string, unknown>,
    authorization?: string | null,
  ): Promise<TData> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(this.timeoutMs),
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
}

/** URL of another subgraph: `<NAME>_SERVICE_URL`, default `http://127.0.0.1:<port>/graphql`. */
export function serviceUrl(name: string, port: number, env: NodeJS.ProcessEnv = process.env): string {
  return env[`${name.toUpperCase()}_SERVICE_URL`] || `http://127.0.0.1:${port}/graphql`;
}
