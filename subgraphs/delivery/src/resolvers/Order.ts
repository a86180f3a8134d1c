import { isId, requireOwnerOrAdmin, requireViewer } from '@marketplace/platform';
import type { OrderResolvers } from '../generated/graphql';

export const Order: OrderResolvers = {
  // This service does not know who placed an order; the delivery it holds decides who may see it.
  __resolveReference: (reference, context) => {
    requireViewer(context.viewer);
    return isId(reference.id) ? { id: reference.id.toLowerCase() } : null;
  },
  delivery: async (order, _args, context) => {
    requireViewer(context.viewer);
    const [delivery] = await context.loaders.deliveriesByOrderId.load(order.id);
    if (!delivery) return null;
    requireOwnerOrAdmin(context.viewer, delivery.userId);
    return delivery;
  },
};
