import { AsyncLocalStorage } from 'node:async_hooks';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, fetch } from 'undici';

/**
 * The signal of the attempt in progress. `RemoteGraphQLDataSource` calls its fetcher without
 * one, so the data source runs each attempt inside {@link withAttemptSignal} and the fetcher
 * reads it from here.
 */
const attemptSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `attempt` so that every fetch it makes is aborted with `signal`. */
export const withAttemptSignal = <T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<T> =>
  attemptSignal.run(signal, attempt);

/** How the gateway's connections to subgraphs behave. */
export interface SubgraphAgentOptions {
  /** Gives up on opening a connection after this long. */
  connectTimeoutMs: number;
}

/**
 * A keep-alive connection pool for all subgraphs. Idle sockets are closed after 30 s, before
 * the subgraphs' own 65 s keep-alive, so the gateway never sends on a socket a subgraph is
 * closing (ECONNRESET).
 */
export const createSubgraphAgent = (options: SubgraphAgentOptions): Agent =>
  new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 30_000,
    connect: { timeout: options.connectTimeoutMs },
  });

/**
 * Apollo Gateway's fetcher over undici instead of make-fetch-happen (slower, without a timeout
 * or cancellation): requests go through `agent` and are aborted with the attempt's signal.
 */
export function undiciFetcher(agent: Agent): Fetcher {
  return async (url, init) => {
    const response = await fetch(url, { ...init, dispatcher: agent, signal: attemptSignal.getStore() });
    // undici's Response has everything FetcherResponse reads; only its `clone()` type differs.
    return response as unknown as FetcherResponse;
  };
}
