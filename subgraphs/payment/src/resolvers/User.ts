import { authorize, ownUserReference } from '@marketplace/platform';
import type { UserResolvers } from '../generated/graphql';

/** Only the user themself and administrators may resolve a user here, also through `_entities`. */
export const User: UserResolvers = {
  __resolveReference: ownUserReference,
  wallet: authorize({ owner: (user) => user.id }, async (user, _args, context) => {
    const [wallet] = await context.loaders.walletByUserId.load(user.id);
    return wallet ?? context.services.wallets.openWallet(context, user.id);
  }),
};
