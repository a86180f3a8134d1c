import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  addToCart: (_parent, { productId, quantity }, context) =>
    context.services.carts.addToCart(context, productId, quantity),
  updateCartItem: (_parent, { productId, quantity }, context) =>
    context.services.carts.updateCartItem(context, productId, quantity),
  removeFromCart: (_parent, { productId }, context) =>
    context.services.carts.removeFromCart(context, productId),
  clearCart: (_parent, _args, context) => context.services.carts.clearCart(context),
};
