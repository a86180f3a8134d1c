import type { BaseContext } from '@apollo/server';
import type { Viewer } from '@marketplace/platform';

/** Per-request gateway context: the verified caller and what is forwarded to subgraphs. */
export interface GatewayContext extends BaseContext {
  viewer: Viewer | null;
  authorization: string | null;
  requestId: string;
}
