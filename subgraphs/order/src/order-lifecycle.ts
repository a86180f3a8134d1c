import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createEvent, enqueueEvent, type EventCatalogue, type EventType } from '@marketplace/platform';
import { orderStateMachine, type CancellationReason, type OrderStatus } from './domain/order-state';
import { Order } from './entities/order.entity';

/** The order events, and the only ones this service emits. */
type OrderEventType = Extract<
  EventType,
  'OrderPlaced' | 'OrderStatusChanged' | 'OrderPaid' | 'OrderShipped' | 'OrderCancelled'
>;

/**
 * Every write of an order's status goes through here, so each one records its history row, bumps
 * the order's `version` and adds its integration events to the outbox of the SAME unit of work:
 * the events commit with the change or not at all. Callers run inside a transaction and hold the
 * order's row lock ({@link OrderLifecycle.lock}), so concurrent changes of one order serialise.
 *
 * All events of one change carry the order's version after that change; `OrderStatusChanged`
 * is emitted for every change (version 1 = PENDING at checkout), so live subscribers can order
 * and dedupe by version.
 */
export class OrderLifecycle {
  /** @param topic the namespaced order topic the relay publishes the outbox to. */
  constructor(private readonly topic: string) {}

  /** Loads an order and locks its row (`select … for update`) until the transaction ends. */
  lock(em: EntityManager, orderId: string): Promise<Order | null> {
    return em.findOne(Order, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }

  /** Persists a new PENDING order with `OrderPlaced` and its first `OrderStatusChanged`. */
  place(em: EntityManager, order: Order): void {
    em.persist(order);
    this.emit(em, order, order.createdAt, 'OrderPlaced', {
      userId: order.userId,
      items: order.items.getItems().map((item) => ({
        productId: item.productId,
        quantity: item.quantity,
        unitPrice: item.unitPriceAmount,
      })),
      total: { amount: order.totalAmount, currency: order.currency },
      shippingAddress: order.shippingAddress,
    });
    this.emit(em, order, order.createdAt, 'OrderStatusChanged', {
      userId: order.userId,
      status: order.status,
      previousStatus: null,
      reason: null,
    });
  }

  /**
   * Moves a locked order to `to` through the state machine (which appends the history row and
   * bumps the version) and adds its events: `OrderPaid` (→ PAID), `OrderShipped` (→ SHIPPED),
   * `OrderCancelled` (→ CANCELLED), then `OrderStatusChanged`. Throws the platform's
   * `IllegalTransitionError` and changes nothing when the move is not allowed.
   */
  transition(
    em: EntityManager,
    order: Order,
    to: OrderStatus,
    reason: CancellationReason | null = null,
    now = new Date(),
  ): void {
    const previousStatus = order.status;
    orderStateMachine.transition(order, to, { reason, now });
    // The new history row joins the unit of work through the order's collection.
    em.persist(order);
    const userId = order.userId;
    if (to === 'PAID') {
      const total = { amount: order.totalAmount, currency: order.currency };
      this.emit(em, order, now, 'OrderPaid', { userId, shippingAddress: order.shippingAddress, total });
    } else if (to === 'SHIPPED') {
      this.emit(em, order, now, 'OrderShipped', { userId });
    } else if (to === 'CANCELLED' && reason) {
      this.emit(em, order, now, 'OrderCancelled', { userId, reason, previousStatus });
    }
    this.emit(em, order, now, 'OrderStatusChanged', { userId, status: to, previousStatus, reason });
  }

  private emit<TType extends OrderEventType>(
    em: EntityManager,
    order: Order,
    occurredAt: Date,
    type: TType,
    payload: EventCatalogue[TType],
  ): void {
    const event = createEvent({
      type,
      orderId: order.id,
      version: order.version,
      source: 'order',
      occurredAt,
      payload,
    });
    enqueueEvent(em, this.topic, event);
  }
}
