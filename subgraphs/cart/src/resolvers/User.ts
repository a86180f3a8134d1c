import { authorize, authorizeReference, forbidden, referenceId } from '@marketplace/platform';
import type { CartContext, UserReference } from '../context';
import type { UserResolvers } from '../generated/graphql';

/** A user's cart is private: only the user themself and administrators may resolve the reference. */
const resolveOwnUser = authorizeReference(
  { owner: (reference: UserReference) => reference.id.toLowerCase() },
  (reference: UserReference, _context: CartContext) => {
    const id = referenceId(reference);
    return id ? { id } : null;
  },
);

export const User: UserResolvers = {
  __resolveReference: (reference, context, info) => {
    // An anonymous `_entities` caller is refused like a stranger (FORBIDDEN), as it always was;
    // the platform's `owner` rule alone would answer UNAUTHENTICATED.
    if (!context.viewer) throw forbidden();
    return resolveOwnUser(reference, context, info);
  },
  cart: authorize({ owner: (user) => user.id }, (user, _args, context) =>
    context.services.carts.cartOfUser(context, user.id),
  ),
};
