import { authorize, ownUserReference } from '@marketplace/platform';
import type { UserResolvers } from '../generated/graphql';

/** Only the user themself and administrators may resolve a user here, also through `_entities`. */
export const User: UserResolvers = {
  __resolveReference: ownUserReference,
  cart: authorize({ owner: (user) => user.id }, (user, _args, context) =>
    context.services.carts.cartOfUser(context, user.id),
  ),
};
