import { requireSignedIn } from '@marketplace/platform';
import type { MutationResolvers } from '../generated/graphql';

/** Every cart mutation changes the signed-in caller's own cart. */
export const Mutation: MutationResolvers = {
  addToCart: (_parent, { productId, quantity }, context) =>
    context.services.carts.addToCart(context, requireSignedIn(context.viewer).userId, productId, quantity),
  updateCartItem: (_parent, { productId, quantity }, context) =>
    context.services.carts.updateCartItem(
      context,
      requireSignedIn(context.viewer).userId,
      productId,
      quantity,
    ),
  removeFromCart: (_parent, { productId }, context) =>
    context.services.carts.removeFromCart(context, requireSignedIn(context.viewer).userId, productId),
  clearCart: (_parent, _args, context) =>
    context.services.carts.clearCart(context, requireSignedIn(context.viewer).userId),
};
