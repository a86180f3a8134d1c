import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The request id a caller sent (`x-request-id`, at most 128 visible ASCII characters, so a client
 * cannot inject log noise), or a new one.
 */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const sent = request.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(sent) ? sent[0] : sent;
  return value && /^[\x21-\x7e]{1,128}$/.test(value) ? value : randomUUID();
}
