import { EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import type { OrderLine } from '../domain/order-lines';
import type { Order } from './order.entity';

/** One product line of an order; name and unit price are snapshots taken at checkout. */
export class OrderItem {
  id: string = newId();
  order: Order;
  productId: string;
  /** The product's name when ordered, so history reads the same after a rename. */
  productName: string;
  quantity: number;
  /** Unit price when ordered, in minor units of `currency`. */
  unitPriceAmount: number;
  currency: string;

  constructor(order: Order, line: OrderLine, currency: string) {
    this.order = order;
    this.productId = line.productId;
    this.productName = line.productName;
    this.quantity = line.quantity;
    this.unitPriceAmount = line.unitPriceAmount;
    this.currency = currency;
  }
}

export const OrderItemSchema = new EntitySchema<OrderItem>({
  class: OrderItem,
  tableName: 'order_items',
  properties: {
    id: { type: 'uuid', primary: true },
    order: { kind: 'm:1', entity: 'Order', deleteRule: 'cascade' },
    productId: { type: 'uuid' },
    productName: { type: 'string', length: 200 },
    quantity: { type: 'integer' },
    unitPriceAmount: { type: 'integer' },
    currency: { type: 'string', length: 3 },
  },
  // Foreign keys get no index by default; the items loader looks rows up by order.
  indexes: [{ name: 'order_items_order_id_index', properties: ['order'] }],
  checks: [
    { name: 'order_items_quantity_check', expression: 'quantity > 0' },
    { name: 'order_items_unit_price_amount_check', expression: 'unit_price_amount >= 0' },
  ],
});
