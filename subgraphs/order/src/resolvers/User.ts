import { authorize, authorizeReference, referenceId } from '@marketplace/platform';
import type { UserResolvers } from '../generated/graphql';

export const User: UserResolvers = {
  // Only the user themself and administrators may reach a user's orders, also via `_entities`.
  __resolveReference: authorizeReference(
    { owner: (reference) => reference.id.toLowerCase() },
    (reference) => {
      const id = referenceId(reference);
      return id ? { id } : null;
    },
  ),
  orders: authorize({ owner: (user) => user.id }, (user, args, context) =>
    context.services.orders.listUserOrders(context, user.id, args),
  ),
};
