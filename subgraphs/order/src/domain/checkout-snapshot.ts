import type { Money } from '@marketplace/platform';
import { cartEmpty, productUnavailable } from './order-errors';
import type { OrderLine } from './order-lines';

/** One line of the caller's cart, as the cart subgraph reports it. */
export interface CartLine {
  productId: string;
  quantity: number;
}

/** What checkout needs to know of a product now: its current name and unit price. */
export interface CatalogProduct {
  id: string;
  name: string;
  price: Money;
}

/**
 * Prices the cart at checkout: each line gets the product's current name and unit price, which
 * the order keeps from then on. An empty cart and a product the catalog no longer has are client
 * errors; a price in another currency than the shop's is a deployment fault, not the client's.
 */
export function snapshotCart(
  cart: readonly CartLine[],
  products: ReadonlyMap<string, CatalogProduct>,
  currency: string,
): OrderLine[] {
  if (cart.length === 0) throw cartEmpty();
  return cart.map((line) => {
    const product = products.get(line.productId.toLowerCase());
    if (!product) throw productUnavailable(line.productId);
    if (product.price.currency !== currency) {
      throw new Error(
        `product ${product.id} is priced in ${product.price.currency}, the shop in ${currency}`,
      );
    }
    return {
      productId: line.productId.toLowerCase(),
      productName: product.name,
      quantity: line.quantity,
      unitPriceAmount: product.price.amount,
    };
  });
}
