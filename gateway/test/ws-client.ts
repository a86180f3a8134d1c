import type { ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { RunningGateway } from '../src/server';

/** graphql-ws clients over real WebSockets, for the gateway's subscription tests (and e2e). */

export const wsUrl = (gateway: RunningGateway): string => gateway.url.replace(/^http/, 'ws');

export interface Socket {
  client: Client;
  /** Close codes this client saw, in order. */
  closeCodes: number[];
  /** Resolves with the first close code. */
  closed: Promise<number>;
}

/** A graphql-ws client over `ws`, connecting at once and never retrying. */
export function connect(gateway: RunningGateway, connectionParams?: Record<string, unknown>): Socket {
  const closeCodes: number[] = [];
  let resolveClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: wsUrl(gateway),
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const code = (event as { code: number }).code;
        closeCodes.push(code);
        resolveClosed(code);
      },
    },
  });
  return { client, closeCodes, closed };
}

export interface Received<TData> {
  results: ExecutionResult<TData>[];
  /** What the `error` sink got: GraphQL errors, or the close event. */
  error: unknown;
  completed: boolean;
  /** Resolves when the subscription errors or completes. */
  ended: Promise<void>;
  dispose(): void;
}

export function subscribe<TData = Record<string, unknown>>(
  socket: Socket,
  query: string,
  variables: Record<string, unknown> = {},
): Received<TData> {
  let resolveEnded: () => void = () => undefined;
  const received: Received<TData> = {
    results: [],
    error: undefined,
    completed: false,
    ended: new Promise<void>((resolve) => (resolveEnded = resolve)),
    dispose: () => undefined,
  };
  received.dispose = socket.client.subscribe<TData>(
    { query, variables },
    {
      next: (result) => void received.results.push(result as ExecutionResult<TData>),
      error: (error) => {
        received.error = error;
        resolveEnded();
      },
      complete: () => {
        received.completed = true;
        resolveEnded();
      },
    },
  );
  return received;
}

/** The `extensions.code`s of what a subscription's error sink received. */
export const errorCodesOf = (received: Received<unknown>): unknown[] =>
  Array.isArray(received.error)
    ? received.error.map((error: { extensions?: { code?: unknown } }) => error.extensions?.code)
    : [];
