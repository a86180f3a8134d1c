import { authorizeReference, referenceId } from '@marketplace/platform';
import type { Cart as CartEntity } from '../entities/cart.entity';
import type { CartContext } from '../context';
import type { CartResolvers } from '../generated/graphql';

export const Cart: CartResolvers = {
  /** A cart by id, for its owner and administrators; an unknown id is null for them. */
  __resolveReference: authorizeReference(
    { ownerOfResult: (cart: CartEntity) => cart.userId },
    (reference: { id: string }, context: CartContext) => {
      const id = referenceId(reference);
      return id ? context.services.carts.cartById(context, id) : null;
    },
  ),
  items: (cart, _args, context) => context.services.carts.items(context, cart),
  total: (cart, _args, context) => context.services.carts.total(context, cart),
  itemCount: (cart, _args, context) => context.services.carts.itemCount(context, cart),
};
