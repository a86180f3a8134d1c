import { isId, requireOwnerOrAdmin, requireViewer } from '@marketplace/platform';
import type { DeliveryResolvers } from '../generated/graphql';

export const Delivery: DeliveryResolvers = {
  // Only the buyer and administrators may resolve a delivery, also through `_entities`.
  __resolveReference: async (reference, context) => {
    requireViewer(context.viewer);
    if (!isId(reference.id)) return null;
    const delivery = await context.loaders.deliveryById.load(reference.id.toLowerCase());
    if (delivery) requireOwnerOrAdmin(context.viewer, delivery.userId);
    return delivery;
  },
  trackingEvents: (delivery, _args, context) => context.loaders.trackingEventsByDeliveryId.load(delivery.id),
};
