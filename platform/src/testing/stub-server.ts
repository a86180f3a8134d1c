import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link StubServer} received. */
export interface StubRequest {
  /** The GraphQL operation text. */
  query: string;
  variables: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** Resolves when the connection closes before the stub answered (the caller gave up). */
  abandoned: Promise<void>;
}

/** What the stub does with a request: answer it (status, JSON body) or never answer. */
export type StubBehaviour = (request: StubRequest) => { status?: number; body: unknown } | 'hang';

/**
 * A GraphQL HTTP endpoint whose behaviour a test sets and changes (answer, fail, hang), counting
 * what reaches it: for timeouts, retries, breakers and cancellation against a real socket.
 */
export interface StubServer {
  url: string;
  /** Every request received so far, oldest first. */
  requests: StubRequest[];
  behave(behaviour: StubBehaviour): void;
  /** Stops listening and drops open connections (later calls are refused). */
  close(): Promise<void>;
}

export async function startStubServer(behaviour: StubBehaviour): Promise<StubServer> {
  let current = behaviour;
  const requests: StubRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { query = '', variables = {} } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        query?: string;
        variables?: Record<string, unknown>;
      };
      const abandoned = new Promise<void>((resolve) =>
        response.once('close', () => {
          if (!response.writableFinished) resolve();
        }),
      );
      const received: StubRequest = { query, variables, headers: request.headers, abandoned };
      requests.push(received);
      const answer = current(received);
      if (answer === 'hang') {
        hanging.add(response);
        response.once('close', () => hanging.delete(response));
        return;
      }
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    behave: (next) => {
      current = next;
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
