import { authorize, parseId } from '@marketplace/platform';
import type { DeliveryContext } from '../context';
import type { Delivery } from '../entities/delivery.entity';
import type { QueryDeliveryArgs, QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  // The buyer and administrators; a malformed id is BAD_USER_INPUT, an unknown one null.
  delivery: authorize(
    { ownerOfResult: (delivery: Delivery) => delivery.userId },
    (_parent: unknown, { id }: QueryDeliveryArgs, context: DeliveryContext) =>
      context.loaders.deliveryById.load(parseId(id)),
  ),
  // Administrators only.
  deliveries: authorize('admin', (_parent, args, context) => context.services.deliveries.list(context, args)),
};
