import { requireViewer } from '@marketplace/platform';
import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  topUpWallet: (_parent, { amount }, context) =>
    context.services.wallets.topUp(context, requireViewer(context.viewer).userId, amount),
  payOrder: (_parent, { orderId }, context) =>
    context.services.orderPayments.payOrder(context, requireViewer(context.viewer).userId, orderId),
};
