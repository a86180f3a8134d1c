import type { UserResolvers } from '../generated/graphql';

export const User: UserResolvers = {
  // Only the user themself and administrators may reach a user's orders, also via `_entities`.
  __resolveReference: (reference, context) =>
    context.services.orders.resolveUserReference(context, reference.id),
  orders: (user, args, context) => context.services.orders.listUserOrders(context, user.id, args),
};
