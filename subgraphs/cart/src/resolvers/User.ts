import { forbidden, isId } from '@marketplace/platform';
import { mayAccess } from '../domain/cart-access';
import type { UserResolvers } from '../generated/graphql';

export const User: UserResolvers = {
  // A user's cart is private: only the user themself and administrators may resolve the
  // reference, also when `_entities` is called on this subgraph directly.
  __resolveReference: (reference, context) => {
    if (!mayAccess(context.viewer, reference.id)) throw forbidden();
    return isId(reference.id) ? { id: reference.id.toLowerCase() } : null;
  },
  cart: (user, _args, context) => context.services.carts.cartOfUser(context, user.id),
};
