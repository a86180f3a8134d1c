import { notFound, parseId, requireOwner, requireSignedIn } from '@marketplace/platform';
import type { CancellationReason } from '../domain/order-state';
import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  // Any signed-in user checks out their own cart.
  checkout: (_parent, { input }, context) => {
    const viewer = requireSignedIn(context.viewer);
    return context.services.checkout.checkout(context, viewer.userId, input);
  },
  /**
   * The owner (reason CUSTOMER_REQUEST) or an administrator (reason ADMIN when the order is
   * someone else's) cancels an order that has not been dispatched; the state machine refuses a
   * SHIPPED, DELIVERED or CANCELLED one (`ILLEGAL_TRANSITION`). An order's buyer never changes, so
   * checking it before the service takes the row lock is safe.
   */
  cancelOrder: async (_parent, { id }, context) => {
    const viewer = requireSignedIn(context.viewer);
    const orderId = parseId(id);
    const order = await context.loaders.orderById.load(orderId);
    if (!order) throw notFound('Order', orderId);
    requireOwner(viewer, order.userId);
    const reason: CancellationReason = viewer.userId === order.userId ? 'CUSTOMER_REQUEST' : 'ADMIN';
    return context.services.orders.changeStatus(context, orderId, 'CANCELLED', reason);
  },
};
