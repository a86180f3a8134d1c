import { createEventWorkers, TOPICS, type SubgraphRuntime, type Worker } from '@marketplace/platform';
import type { CartServices } from '../context';
import { onOrderPlaced } from './handlers/order-placed.handler';

/**
 * The cart service's saga worker: the consumer of order events (the cart publishes none). The
 * `EventWorkers` stay on `services.events`, so tests can apply events directly.
 */
export function cartWorkers(runtime: SubgraphRuntime, services: CartServices): Worker[] {
  const events = createEventWorkers(runtime, {
    consumes: { topics: [TOPICS.order], handlers: { OrderPlaced: onOrderPlaced(services.carts) } },
  });
  services.events = events;
  return events.workers;
}
