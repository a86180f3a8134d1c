import type { EntityManager } from '@mikro-orm/postgresql';
import {
  entityByIdLoader,
  groupedLoader,
  type EventWorkers,
  type SubgraphContext,
} from '@marketplace/platform';
import type { DeliveryService } from './delivery.service';
import { compareTrackingEvents } from './domain/delivery-state';
import { Delivery } from './entities/delivery.entity';
import { TrackingEvent } from './entities/tracking-event.entity';

export const createLoaders = (em: EntityManager) => ({
  deliveryById: entityByIdLoader<Delivery>(em, Delivery),
  /** An order's delivery (at most one) in a one-element list. */
  deliveriesByOrderId: groupedLoader<string, Delivery>(
    (orderIds) => em.find(Delivery, { orderId: { $in: [...orderIds] } }),
    (delivery) => delivery.orderId,
  ),
  /** A delivery's tracking events, oldest first. */
  trackingEventsByDeliveryId: groupedLoader<string, TrackingEvent>(
    async (deliveryIds) =>
      (await em.find(TrackingEvent, { delivery: { $in: [...deliveryIds] } })).sort(compareTrackingEvents),
    (event) => event.delivery.id,
  ),
});

export interface DeliveryServices {
  deliveries: DeliveryService;
  /** The saga workers, set when they start (tests apply events through `events.consumer`). */
  events?: EventWorkers;
}

export type DeliveryContext = SubgraphContext<ReturnType<typeof createLoaders>, DeliveryServices>;
