import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { activeTraceContext } from './telemetry/trace-context';

export const REQUEST_ID_HEADER = 'x-request-id';

/** One id per request even when several parts ask (the HTTP server, the context, the access log). */
const assigned = new WeakMap<object, string>();

/**
 * The request id a caller sent (`x-request-id`, at most 128 visible ASCII characters, so a client
 * cannot inject log noise), or a new one — the same one on every call for the same request.
 */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const known = assigned.get(request);
  if (known) return known;
  const sent = request.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(sent) ? sent[0] : sent;
  const id = value && /^[\x21-\x7e]{1,128}$/.test(value) ? value : randomUUID();
  assigned.set(request, id);
  return id;
}

const current = new AsyncLocalStorage<string>();

/**
 * Runs `work` as part of the operation `requestId` names: an HTTP request, or an event handler
 * applying an event that such a request caused. Events written meanwhile carry the id
 * ({@link currentRequestId}), so a saga's log lines name the request that started it.
 */
export function withRequestId<T>(requestId: string | undefined, work: () => T): T {
  return requestId === undefined ? work() : current.run(requestId, work);
}

/** The request id of the operation running now, if any. */
export function currentRequestId(): string | undefined {
  return current.getStore();
}

/**
 * What an answer tells its client to find the request in logs and traces: `x-request-id` always,
 * and the `traceparent` of the active (server) span when tracing is on — without an SDK nothing is
 * injected.
 */
export function correlationHeaders(requestId: string): Record<string, string> {
  const { traceparent } = activeTraceContext();
  return { [REQUEST_ID_HEADER]: requestId, ...(traceparent ? { traceparent } : {}) };
}
