import { createEventWorkers, TOPICS, type SubgraphRuntime, type Worker } from '@marketplace/platform';
import type { ProductServices } from '../context';
import { onOrderCancelled } from './handlers/order-cancelled.handler';
import { onOrderPlaced } from './handlers/order-placed.handler';
import { onOrderShipped } from './handlers/order-shipped.handler';

/**
 * The product service's saga workers: the outbox relay of stock events and the consumer of order
 * events. The `EventWorkers` stay on `services.events`, so tests can apply events directly.
 */
export function productWorkers(runtime: SubgraphRuntime, services: ProductServices): Worker[] {
  const { stock } = services;
  const events = createEventWorkers(runtime, {
    publishes: [TOPICS.product],
    consumes: {
      topics: [TOPICS.order],
      handlers: {
        OrderPlaced: onOrderPlaced(stock),
        OrderCancelled: onOrderCancelled(stock),
        OrderShipped: onOrderShipped(stock),
      },
    },
  });
  services.events = events;
  return events.workers;
}
