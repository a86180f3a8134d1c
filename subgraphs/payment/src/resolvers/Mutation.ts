import { requireViewer } from '@marketplace/platform';
import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  topUpWallet: (_parent, { amount }, context) =>
    context.services.wallets.topUp(context, requireViewer(context.viewer).userId, amount),
};
