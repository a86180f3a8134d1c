import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from './logger';

/** Named readiness probes; the service is ready when every probe resolves `true`. */
export type ReadinessProbes = Record<string, () => Promise<boolean>>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (request: IncomingMessage) => Promise<TContext>;
  log: Logger;
  /** GraphQL endpoint path. Default `/graphql`. */
  path?: string;
  readiness?: ReadinessProbes;
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes?: number;
}

class PayloadTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new PayloadTooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function probe(
  readiness: ReadinessProbes,
): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
  const entries = await Promise.all(
    Object.entries(readiness).map(async ([name, check]) => [name, await check().catch(() => false)] as const),
  );
  const checks = Object.fromEntries(entries);
  return { ready: entries.every(([, ok]) => ok), checks };
}

/**
 * A plain `node:http` server for Apollo Server: GraphQL on `path`, `GET /health/live` and
 * `GET /health/ready`. No web framework is needed for so little routing.
 */
export function createGraphQLHttpServer<TContext extends BaseContext>(
  options: GraphQLHttpOptions<TContext>,
): http.Server {
  const path = options.path ?? '/graphql';
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const readiness = options.readiness ?? {};

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/health/live') return sendJson(response, 200, { status: 'ok' });
    if (url.pathname === '/health/ready') {
      const result = await probe(readiness);
      return sendJson(response, result.ready ? 200 : 503, {
        status: result.ready ? 'ok' : 'unavailable',
        ...result,
      });
    }
    if (url.pathname !== path) return sendJson(response, 404, { error: 'Not found' });

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (request.method === 'POST') {
      let text: string;
      try {
        text = await readBody(request, limit);
      } catch (error) {
        if (error instanceof PayloadTooLarge)
          return sendJson(response, 413, { error: 'Request body too large' });
        throw error;
      }
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        return sendJson(response, 400, {
          errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
        });
      }
    }

    const result = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () => options.context(request),
    });
    for (const [key, value] of result.headers) response.setHeader(key, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log.error({ err: error }, 'unhandled HTTP error');
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal server error' });
      else response.end();
    });
  });
  // Keep idle connections open longer than any client's pool keeps them (the gateway's and other
  // services' HTTP clients; load balancers use 60 s): otherwise a client may send on a socket the
  // server is closing at that moment, and the request fails with ECONNRESET ("socket hang up").
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Listens and resolves with the bound port (pass 0 for an ephemeral one). */
export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Closes an HTTP server gracefully: no new connections, idle keep-alive connections at once, busy
 * ones as soon as their response is sent (swept every 100 ms), and whatever is still open after
 * `graceMs` is cut, so a long keep-alive never holds a shutdown up.
 */
export function closeServer(server: http.Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const cutOff = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cutOff);
      resolve();
    });
    server.closeIdleConnections();
  });
}
