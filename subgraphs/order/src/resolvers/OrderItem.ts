import { money } from '@marketplace/platform';
import { lineTotal } from '../domain/order-lines';
import type { OrderItemResolvers } from '../generated/graphql';

export const OrderItem: OrderItemResolvers = {
  // A reference only: the gateway asks the product subgraph for the fields.
  product: (item) => ({ id: item.productId }),
  unitPrice: (item) => money(item.unitPriceAmount, item.currency),
  lineTotal: (item) => lineTotal(item, item.currency),
};
