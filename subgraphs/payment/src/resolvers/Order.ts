import { isId, requireOwnerOrAdmin, requireViewer } from '@marketplace/platform';
import type { OrderResolvers } from '../generated/graphql';

export const Order: OrderResolvers = {
  // This service does not know who placed an order; the payment it holds decides who may see it.
  __resolveReference: (reference, context) => {
    requireViewer(context.viewer);
    return isId(reference.id) ? { id: reference.id.toLowerCase() } : null;
  },
  payment: async (order, _args, context) => {
    requireViewer(context.viewer);
    const [latest] = await context.loaders.paymentsByOrderId.load(order.id);
    if (!latest) return null;
    requireOwnerOrAdmin(context.viewer, latest.userId);
    return latest;
  },
};
