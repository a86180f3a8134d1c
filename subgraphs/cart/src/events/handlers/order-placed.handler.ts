import { payloadOf, type EventHandler } from '@marketplace/platform';
import type { CartService } from '../../cart.service';
import { orderedProductIds } from '../../domain/ordered-products';

/** `OrderPlaced` → the ordered products leave the buyer's cart; lines added since for other products stay. */
export const onOrderPlaced =
  (carts: CartService): EventHandler =>
  async ({ em, event, log }) => {
    const { userId, items } = payloadOf(event, 'OrderPlaced');
    const removed = await carts.removeOrderedProducts({ em }, userId, orderedProductIds(items));
    log.info({ userId, removed }, 'ordered products removed from the cart');
  };
