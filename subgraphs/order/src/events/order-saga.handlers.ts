import { isId, type EventHandler } from '@marketplace/platform';
import type { CancellationReason, OrderStatus } from '../domain/order-state';
import type { OrderLifecycle } from '../order-lifecycle';

/** What an incoming event asks of the order, and what to say when it no longer fits. */
interface SagaStep {
  /**
   * The only status the event makes sense in. Stricter than the state machine: a stock failure
   * means nothing to an order whose stock was already reserved, though AWAITING_PAYMENT may be
   * cancelled for other reasons.
   */
  from: OrderStatus;
  to: OrderStatus;
  reason?: CancellationReason;
  /** Why ignoring the event is safe when the order is already CANCELLED. */
  whenCancelled?: string;
}

/**
 * Moves the event's order to `step.to` inside the consumer's transaction (row-locked, so it
 * serialises with cancellations and the expiry sweep). The order is the source of truth for its
 * status: an event that no longer fits (late, duplicated under another id, or lost a race with a
 * cancellation) is logged and ignored — throwing would only retry and dead-letter a legitimate
 * outcome; the other services compensate when they see `OrderCancelled`. An event naming no
 * order of ours is a real fault and throws (retried, then dead-lettered).
 */
function sagaStep(lifecycle: OrderLifecycle, step: SagaStep): EventHandler {
  return async ({ em, event, log }) => {
    if (!isId(event.orderId)) throw new Error(`${event.type} names a malformed order id`);
    const order = await lifecycle.lock(em, event.orderId.toLowerCase());
    if (!order) throw new Error(`${event.type} names unknown order ${event.orderId}`);
    if (order.status !== step.from) {
      const note = order.status === 'CANCELLED' ? step.whenCancelled : undefined;
      log.warn(
        { status: order.status, expected: step.from, wanted: step.to, version: order.version, note },
        'event does not fit the order status; ignored',
      );
      return;
    }
    lifecycle.transition(em, order, step.to, step.reason ?? null);
  };
}

/**
 * The order side of the saga, by event type: stock reserved → AWAITING_PAYMENT, reservation
 * failed → CANCELLED (OUT_OF_STOCK), payment succeeded → PAID (+ `OrderPaid`), delivery
 * dispatched → SHIPPED (+ `OrderShipped`), delivery completed → DELIVERED.
 */
export function orderSagaHandlers(lifecycle: OrderLifecycle): Record<string, EventHandler> {
  return {
    StockReserved: sagaStep(lifecycle, {
      from: 'PENDING',
      to: 'AWAITING_PAYMENT',
      whenCancelled: 'product releases the stock on OrderCancelled',
    }),
    StockReservationFailed: sagaStep(lifecycle, { from: 'PENDING', to: 'CANCELLED', reason: 'OUT_OF_STOCK' }),
    PaymentSucceeded: sagaStep(lifecycle, {
      from: 'AWAITING_PAYMENT',
      to: 'PAID',
      whenCancelled: 'payment refunds it on OrderCancelled',
    }),
    DeliveryDispatched: sagaStep(lifecycle, {
      from: 'PAID',
      to: 'SHIPPED',
      whenCancelled: 'delivery cancels it on OrderCancelled',
    }),
    DeliveryCompleted: sagaStep(lifecycle, { from: 'SHIPPED', to: 'DELIVERED' }),
  };
}
