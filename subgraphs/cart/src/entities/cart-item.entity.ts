import { EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import { Cart } from './cart.entity';

/**
 * One line of a cart: a product (by id; the product subgraph owns prices and stock) and how
 * many units. A product appears at most once per cart; the quantity is always positive.
 */
export class CartItem {
  id: string = newId();
  cart: Cart;
  productId: string;
  quantity: number;
  addedAt: Date = new Date();

  constructor(cart: Cart, productId: string, quantity: number) {
    this.cart = cart;
    this.productId = productId;
    this.quantity = quantity;
  }
}

export const CartItemSchema = new EntitySchema<CartItem>({
  class: CartItem,
  tableName: 'cart_items',
  properties: {
    id: { type: 'uuid', primary: true },
    cart: { kind: 'm:1', entity: () => Cart, deleteRule: 'cascade' },
    productId: { type: 'uuid' },
    quantity: { type: 'integer' },
    addedAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
  },
  // Leads with cart_id, so it also serves "the items of these carts".
  uniques: [{ name: 'cart_items_cart_id_product_id_unique', properties: ['cart', 'productId'] }],
  checks: [{ name: 'cart_items_quantity_check', expression: 'quantity > 0' }],
});
