import type { Logger } from '@marketplace/platform';
import type { CartClient } from './clients/cart.client';
import type { ProductCatalogClient } from './clients/product-catalog.client';
import { snapshotCart } from './domain/checkout-snapshot';
import { validateIdempotencyKey, validateOrderLines, validateShippingAddress } from './domain/order-lines';
import type { Order } from './entities/order.entity';
import type { OrderService, OrderServiceContext } from './order.service';

/**
 * What checkout needs of a request: the caller's token (forwarded to cart and product), the
 * signal of the caller's request (the calls stop when it is aborted) and a log.
 */
export interface CheckoutContext extends OrderServiceContext {
  authorization: string | null;
  signal?: AbortSignal;
  log: Logger;
}

/** `CheckoutInput`: both fields are required. */
export interface CheckoutInput {
  /** Client-chosen, 1 to 100 characters; resubmitting it returns the same order. */
  idempotencyKey: string;
  /** Non-blank, at most 500 characters (trimmed). */
  shippingAddress: string;
}

/**
 * `checkout`: turns the caller's cart into a PENDING order priced at today's prices. The saga
 * takes it from there (`OrderPlaced` → stock reservation, cart clearing, payment).
 */
export class CheckoutService {
  constructor(
    private readonly orders: OrderService,
    private readonly cart: CartClient,
    private readonly catalog: ProductCatalogClient,
  ) {}

  /**
   * Checks the input and looks the key up once, for `userId` (the signed-in caller, authorized by
   * the resolver). A key the caller already used returns that order before the cart is read, so
   * a resubmission after the cart was cleared still answers the order. Otherwise the cart (cart
   * subgraph) is priced with current names and prices (product subgraph) and the order is
   * written with its `OrderPlaced` event in one transaction. Concurrent submissions of one key
   * create one order: the unique `(user, key)` index decides and everyone gets the winner.
   */
  async checkout(context: CheckoutContext, userId: string, input: CheckoutInput): Promise<Order> {
    const idempotencyKey = validateIdempotencyKey(input.idempotencyKey);
    const shippingAddress = validateShippingAddress(input.shippingAddress);

    const previous = await this.orders.findByIdempotencyKey(context, userId, idempotencyKey);
    if (previous) return previous;

    const cartLines = await this.cart.cartLines(userId, context.authorization, context.signal);
    const products = await this.catalog.products(
      cartLines.map((line) => line.productId),
      context.authorization,
      context.signal,
    );
    const lines = validateOrderLines(snapshotCart(cartLines, products, this.orders.currency));
    const { order, created } = await this.orders.createOrder(context, {
      userId,
      idempotencyKey,
      shippingAddress,
      lines,
    });
    if (created) {
      context.log.info({ orderId: order.id, total: order.totalAmount, lines: lines.length }, 'order placed');
    }
    return order;
  }
}
