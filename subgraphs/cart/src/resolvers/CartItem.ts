import type { CartItemResolvers } from '../generated/graphql';

export const CartItem: CartItemResolvers = {
  // A reference the gateway resolves in the product subgraph.
  product: (item) => ({ __typename: 'Product', id: item.productId }),
  // Batched: all lines of a response share one call to the product subgraph.
  lineTotal: (item, _args, context) => context.services.carts.lineTotal(context, item),
};
