import { createEventWorkers, TOPICS, type SubgraphRuntime, type Worker } from '@marketplace/platform';
import type { DeliveryServices } from '../context';
import { onOrderCancelled } from './handlers/order-cancelled.handler';
import { onOrderPaid } from './handlers/order-paid.handler';

/**
 * The delivery service's saga workers: the outbox relay of delivery events and the consumer of
 * order events. The `EventWorkers` stay on `services.events`, so tests can apply events directly.
 */
export function deliveryWorkers(runtime: SubgraphRuntime, services: DeliveryServices): Worker[] {
  const { deliveries } = services;
  const events = createEventWorkers(runtime, {
    publishes: [TOPICS.delivery],
    consumes: {
      topics: [TOPICS.order],
      handlers: {
        OrderPaid: onOrderPaid(deliveries),
        OrderCancelled: onOrderCancelled(deliveries),
      },
    },
  });
  services.events = events;
  return events.workers;
}
