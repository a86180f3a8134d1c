import { authorizeReference, forbidden, referenceId } from '@marketplace/platform';
import type { Cart as CartEntity } from '../entities/cart.entity';
import type { CartContext } from '../context';
import type { CartResolvers } from '../generated/graphql';

/** A cart by id, for its owner and administrators; an unknown id is null for them. */
const resolveOwnCart = authorizeReference(
  { ownerOfResult: (cart: CartEntity) => cart.userId },
  (reference: { id: string }, context: CartContext) => {
    const id = referenceId(reference);
    return id ? context.services.carts.cartById(context, id) : null;
  },
);

export const Cart: CartResolvers = {
  __resolveReference: (reference, context, info) => {
    // Anonymous callers learn nothing, not even whether the cart exists: FORBIDDEN, as it always
    // was (the platform's rule alone would answer UNAUTHENTICATED).
    if (!context.viewer) throw forbidden();
    return resolveOwnCart(reference, context, info);
  },
  items: (cart, _args, context) => context.services.carts.items(context, cart),
  total: (cart, _args, context) => context.services.carts.total(context, cart),
  itemCount: (cart, _args, context) => context.services.carts.itemCount(context, cart),
};
