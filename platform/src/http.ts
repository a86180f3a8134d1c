import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from './logger';
import { correlationHeaders, requestIdOf, withRequestId } from './request-id';

/** Named readiness probes; the service is ready when every probe resolves `true`. */
export type ReadinessProbes = Record<string, () => Promise<boolean>>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** `signal` aborts when the client goes away before its answer is sent (work for it may stop). */
  context: (request: IncomingMessage, signal: AbortSignal) => Promise<TContext>;
  log: Logger;
  /** GraphQL endpoint path. Default `/graphql`. */
  path?: string;
  readiness?: ReadinessProbes;
  /** Largest accepted request body; a larger one is answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Runs for every request to `path` before its body is read (e.g. a per-IP rate limit), so a
   * refused client costs no parsing; a refusal is sent as it is.
   */
  guard?: (request: IncomingMessage) => Promise<HttpRefusal | undefined>;
  /** Time a client has to send the request headers (slow-header attacks). Default 66 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send the whole request, body included. Default 300 s (Node's). */
  requestTimeoutMs?: number;
}

/** An answer that ends a request early. */
export interface HttpRefusal {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

const PAYLOAD_TOO_LARGE = Symbol('payload too large');

/** Resolves with the body, or {@link PAYLOAD_TOO_LARGE} as soon as it passes `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<string | typeof PAYLOAD_TOO_LARGE> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length']) > limit) return resolve(PAYLOAD_TOO_LARGE);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData);
      chunks.length = 0;
      resolve(PAYLOAD_TOO_LARGE);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** How long a client that is still sending a refused body gets before its connection is cut. */
const DISCARD_GRACE_MS = 2_000;

/**
 * Answers 413 at once and closes the connection after the response. What the client is still
 * sending is read and thrown away for a short grace: closing a socket with unread data resets it,
 * and the client would see a reset instead of the 413.
 */
function refuseLargeBody(request: IncomingMessage, response: ServerResponse, limit: number): void {
  response.setHeader('connection', 'close');
  sendJson(response, 413, {
    errors: [
      {
        message: `Request body is larger than ${limit} bytes`,
        extensions: { code: 'BAD_REQUEST', maxBodyBytes: limit },
      },
    ],
  });
  const cutOff = setTimeout(() => request.socket.destroy(), DISCARD_GRACE_MS).unref();
  request.once('end', () => clearTimeout(cutOff));
  request.resume();
}

/**
 * A signal that aborts when the connection closes before `response` is finished: the client
 * disconnected (a request's own 'close' fires once its body is read, so the response's is used).
 */
function abortedByClient(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished)
      controller.abort(new DOMException('the client closed the request', 'AbortError'));
  });
  return controller.signal;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...headers, 'content-type': 'application/json' });
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
    const requestId = requestIdOf(request);
    for (const [name, value] of Object.entries(correlationHeaders(requestId)))
      response.setHeader(name, value);
    return withRequestId(requestId, () => handleGraphQL(request, response, url));
  };

  const handleGraphQL = async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<void> => {
    const refusal = await options.guard?.(request);
    // An unread body is discarded by Node once the response is sent; the connection stays usable.
    if (refusal) return sendJson(response, refusal.status, refusal.body, refusal.headers);

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (request.method === 'POST') {
      const text = await readBody(request, limit);
      if (text === PAYLOAD_TOO_LARGE) return refuseLargeBody(request, response, limit);
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
      context: () => options.context(request, abortedByClient(response)),
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

  // Node enforces the header and request timeouts on this sweep (30 s by default, so a 10 s limit
  // would hold a slow client for up to 40 s).
  const server = http.createServer({ connectionsCheckingInterval: 1_000 }, (request, response) => {
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
  server.headersTimeout = options.headersTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS + 1_000;
  if (options.requestTimeoutMs !== undefined) server.requestTimeout = options.requestTimeoutMs;
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
