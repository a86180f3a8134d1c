import {
  createEvent,
  type CatalogueEvent,
  type EventCatalogue,
  type IntegrationEvent,
} from '@marketplace/platform';
import { deliveryEventVersion } from '../domain/delivery-state';
import type { Delivery } from '../entities/delivery.entity';

/** The `source` of every event this service emits. */
export const DELIVERY_EVENT_SOURCE = 'delivery';

type DeliveryEventType = 'DeliveryCreated' | 'DeliveryDispatched' | 'DeliveryCompleted' | 'DeliveryCancelled';

function deliveryEvent<TType extends DeliveryEventType>(
  type: TType,
  delivery: Delivery,
  payload: EventCatalogue[TType],
): CatalogueEvent<TType> {
  return createEvent({
    type,
    orderId: delivery.orderId,
    version: deliveryEventVersion(delivery.status),
    source: DELIVERY_EVENT_SOURCE,
    payload,
  });
}

function isoStamp(value: Date | null, name: string, delivery: Delivery): string {
  if (!value) throw new Error(`Delivery ${delivery.id} is ${delivery.status} without ${name}`);
  return value.toISOString();
}

/**
 * The event announcing the status `delivery` has just reached (v1 of `DeliveryCreated`,
 * `DeliveryDispatched`, `DeliveryCompleted` or `DeliveryCancelled`), keyed by its order.
 */
export function deliveryStatusEvent(delivery: Delivery): IntegrationEvent {
  const ids = { deliveryId: delivery.id, userId: delivery.userId };
  switch (delivery.status) {
    case 'CREATED':
      return deliveryEvent('DeliveryCreated', delivery, ids);
    case 'IN_TRANSIT':
      return deliveryEvent('DeliveryDispatched', delivery, {
        ...ids,
        shippedAt: isoStamp(delivery.shippedAt, 'shippedAt', delivery),
      });
    case 'DELIVERED':
      return deliveryEvent('DeliveryCompleted', delivery, {
        ...ids,
        deliveredAt: isoStamp(delivery.deliveredAt, 'deliveredAt', delivery),
      });
    case 'CANCELLED':
      return deliveryEvent('DeliveryCancelled', delivery, ids);
  }
}
