import { authorizeReference, money, referenceId } from '@marketplace/platform';
import type { OrderContext } from '../context';
import type { Order as OrderEntity } from '../entities/order.entity';
import type { OrderResolvers } from '../generated/graphql';

export const Order: OrderResolvers = {
  // Owner or administrator only, also through `_entities`; batched by the request's loader. A
  // malformed or unknown key resolves to null.
  __resolveReference: authorizeReference(
    { ownerOfResult: (order: OrderEntity) => order.userId },
    (reference: { id: string }, context: OrderContext) => {
      const id = referenceId(reference);
      return id ? context.loaders.orderById.load(id) : null;
    },
  ),
  // Items and history go through grouped loaders: one query per page of orders, not per order.
  items: (order, _args, context) => context.loaders.itemsByOrderId.load(order.id),
  statusHistory: (order, _args, context) => context.loaders.statusHistoryByOrderId.load(order.id),
  total: (order) => money(order.totalAmount, order.currency),
};
