import { authorize, authorizeReference, referenceId } from '@marketplace/platform';
import type { CartContext, UserReference } from '../context';
import type { UserResolvers } from '../generated/graphql';

export const User: UserResolvers = {
  /** A user's cart is private: only the user themself and administrators may resolve the reference. */
  __resolveReference: authorizeReference(
    { owner: (reference: UserReference) => reference.id.toLowerCase() },
    (reference: UserReference, _context: CartContext) => {
      const id = referenceId(reference);
      return id ? { id } : null;
    },
  ),
  cart: authorize({ owner: (user) => user.id }, (user, _args, context) =>
    context.services.carts.cartOfUser(context, user.id),
  ),
};
