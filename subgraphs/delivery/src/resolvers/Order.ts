import { authorize, authorizeReference, referenceId } from '@marketplace/platform';
import type { DeliveryContext } from '../context';
import type { Delivery } from '../entities/delivery.entity';
import type { OrderResolvers } from '../generated/graphql';
import type { EntityReference } from '../references';

export const Order: OrderResolvers = {
  // This service does not know who placed an order; the delivery it holds decides who may see it.
  __resolveReference: authorizeReference('signedIn', (reference) => {
    const id = referenceId(reference);
    return id ? { id } : null;
  }),
  // The order's delivery, for its buyer and administrators; null when it has none yet.
  delivery: authorize(
    { ownerOfResult: (delivery: Delivery) => delivery.userId },
    async (order: EntityReference, _args: unknown, context: DeliveryContext) => {
      const [delivery] = await context.loaders.deliveriesByOrderId.load(order.id);
      return delivery ?? null;
    },
  ),
};
