import { money } from '@marketplace/platform';
import type { OrderResolvers } from '../generated/graphql';

export const Order: OrderResolvers = {
  // Owner or administrator only, also through `_entities`; batched by the request's loader.
  __resolveReference: (reference, context) =>
    context.services.orders.resolveOrderReference(context, reference.id),
  // Items and history go through grouped loaders: one query per page of orders, not per order.
  items: (order, _args, context) => context.loaders.itemsByOrderId.load(order.id),
  statusHistory: (order, _args, context) => context.loaders.statusHistoryByOrderId.load(order.id),
  total: (order) => money(order.totalAmount, order.currency),
};
