import { GraphQLError } from 'graphql';
import { CLIENT_ERROR_CODES, type ServiceClient } from '@marketplace/platform';

/**
 * Asks the order subgraph, the source of truth, whether an order exists — as the caller (their
 * `Authorization` is forwarded, so the order subgraph applies its own owner check).
 */
export class OrderClient {
  /** @param client the order subgraph (`ORDER_SERVICE_URL`). */
  constructor(private readonly client: ServiceClient) {}

  /**
   * True when the caller may see order `orderId`, false when it does not exist for them, `null`
   * when the order subgraph cannot say (unreachable, failing). A client error (e.g. `FORBIDDEN`)
   * is the caller's answer and is re-thrown. `signal`: the caller's request, so a client that
   * disconnects stops the call.
   */
  async exists(orderId: string, authorization: string | null, signal?: AbortSignal): Promise<boolean | null> {
    try {
      const [order] = await this.client.entities<{ id: string }>(
        'Order',
        [orderId],
        'id',
        authorization,
        signal,
      );
      return order !== null && order !== undefined;
    } catch (error) {
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) throw error;
      return null;
    }
  }
}
