import { isId } from '@marketplace/platform';
import type { CartResolvers } from '../generated/graphql';

export const Cart: CartResolvers = {
  __resolveReference: (reference, context) =>
    isId(reference.id) ? context.services.carts.cartById(context, reference.id.toLowerCase()) : null,
  items: (cart, _args, context) => context.services.carts.items(context, cart),
  total: (cart, _args, context) => context.services.carts.total(context, cart),
  itemCount: (cart, _args, context) => context.services.carts.itemCount(context, cart),
};
