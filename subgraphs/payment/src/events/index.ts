import { createEventWorkers, TOPICS, type SubgraphRuntime, type Worker } from '@marketplace/platform';
import type { PaymentServices } from '../context';
import { onOrderCancelled } from './handlers/order-cancelled.handler';
import { onOrderPlaced } from './handlers/order-placed.handler';
import { onOrderStatusChanged } from './handlers/order-status-changed.handler';

/**
 * The payment service's saga workers: the outbox relay of payment events and the consumer of
 * order events. The `EventWorkers` stay on `services.events`, so tests can apply events directly.
 */
export function paymentWorkers(runtime: SubgraphRuntime, services: PaymentServices): Worker[] {
  const { orderPayments } = services;
  const events = createEventWorkers(runtime, {
    publishes: [TOPICS.payment],
    consumes: {
      topics: [TOPICS.order],
      handlers: {
        OrderPlaced: onOrderPlaced(orderPayments),
        OrderStatusChanged: onOrderStatusChanged(orderPayments),
        OrderCancelled: onOrderCancelled(orderPayments),
      },
    },
  });
  services.events = events;
  return events.workers;
}
