import { forbidden, parseId, requireSignedIn } from '@marketplace/platform';
import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  // Any signed-in user tops up their own wallet.
  topUpWallet: (_parent, { amount }, context) => {
    const viewer = requireSignedIn(context.viewer);
    return context.services.wallets.topUp(context, viewer.userId, amount);
  },
  /**
   * Only the buyer pays for an order, administrators included: paying moves the buyer's money.
   * A malformed id is BAD_USER_INPUT, an order that does not exist NOT_FOUND (at once when the
   * order service says so; one it has but this service has not heard of yet gets a short wait for
   * its events), someone else's FORBIDDEN. The buyer of an order never changes,
   * so checking it before the payment transaction is safe.
   */
  payOrder: async (_parent, { orderId }, context) => {
    const viewer = requireSignedIn(context.viewer);
    const id = parseId(orderId, 'orderId');
    const order = await context.services.orderPayments.awaitPayableOrder(context, id);
    if (order.userId !== viewer.userId) throw forbidden('Only the buyer can pay for an order');
    return context.services.orderPayments.payOrder(context, id);
  },
};
