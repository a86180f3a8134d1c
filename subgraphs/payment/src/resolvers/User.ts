import { authorize, authorizeReference, referenceId } from '@marketplace/platform';
import type { UserResolvers } from '../generated/graphql';

export const User: UserResolvers = {
  // Only the user themself and administrators may resolve a user, also through `_entities`.
  __resolveReference: authorizeReference(
    { owner: (reference) => reference.id.toLowerCase() },
    (reference) => {
      const id = referenceId(reference);
      return id ? { id } : null;
    },
  ),
  wallet: authorize({ owner: (user) => user.id }, async (user, _args, context) => {
    const [wallet] = await context.loaders.walletByUserId.load(user.id);
    return wallet ?? context.services.wallets.openWallet(context, user.id);
  }),
};
