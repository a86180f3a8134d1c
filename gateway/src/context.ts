import type { BaseContext } from '@apollo/server';
import type { Viewer } from '@marketplace/platform';

/** Per-request gateway context: the verified caller and what is forwarded to subgraphs. */
export interface GatewayContext extends BaseContext {
  viewer: Viewer | null;
  authorization: string | null;
  requestId: string;
  /**
   * The client's IP (`rate-limit/client-ip.ts`); absent for the gateway's own operations
   * (subscription payloads, access checks), which are not rate-limited.
   */
  clientIp?: string;
  /**
   * Aborts when the HTTP client disconnects before its answer: the subgraph fetches made for it
   * are cancelled. Absent for operations without an HTTP request (subscription payloads).
   */
  signal?: AbortSignal;
}
