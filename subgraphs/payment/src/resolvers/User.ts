import { isId, requireOwnerOrAdmin } from '@marketplace/platform';
import type { UserResolvers } from '../generated/graphql';

export const User: UserResolvers = {
  // Only the user themself and administrators may resolve a user, also through `_entities`.
  __resolveReference: (reference, context) => {
    requireOwnerOrAdmin(context.viewer, reference.id);
    return isId(reference.id) ? { id: reference.id.toLowerCase() } : null;
  },
  wallet: async (user, _args, context) => {
    requireOwnerOrAdmin(context.viewer, user.id);
    const [wallet] = await context.loaders.walletByUserId.load(user.id);
    return wallet ?? context.services.wallets.openWallet(context, user.id);
  },
};
