import { authorize, ownUserReference } from '@marketplace/platform';
import type { UserResolvers } from '../generated/graphql';

/** Only the user themself and administrators may resolve a user here, also through `_entities`. */
export const User: UserResolvers = {
  __resolveReference: ownUserReference,
  orders: authorize({ owner: (user) => user.id }, (user, args, context) =>
    context.services.orders.listUserOrders(context, user.id, args),
  ),
};
