import { authorizeReference, referenceId } from '@marketplace/platform';
import type { DeliveryContext } from '../context';
import type { Delivery as DeliveryEntity } from '../entities/delivery.entity';
import type { DeliveryResolvers } from '../generated/graphql';
import type { EntityReference } from '../references';

export const Delivery: DeliveryResolvers = {
  // Only the buyer and administrators may resolve a delivery, also through `_entities`.
  __resolveReference: authorizeReference(
    { ownerOfResult: (delivery: DeliveryEntity) => delivery.userId },
    (reference: EntityReference, context: DeliveryContext) => {
      const id = referenceId(reference);
      return id ? context.loaders.deliveryById.load(id) : null;
    },
  ),
  trackingEvents: (delivery, _args, context) => context.loaders.trackingEventsByDeliveryId.load(delivery.id),
};
