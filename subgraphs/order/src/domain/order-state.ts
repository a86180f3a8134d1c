import { IllegalTransitionError, StateMachine } from '@marketplace/platform';

/**
 * The order state machine (DESIGN.md §4):
 *
 * ```
 * PENDING → AWAITING_PAYMENT → PAID → SHIPPED → DELIVERED
 *    └────────────┴──────────────┴──→ CANCELLED (with a reason)
 * ```
 *
 * Cancelling is allowed until the order is dispatched; SHIPPED, DELIVERED and CANCELLED never go
 * back. Every status change of an order goes through {@link orderStateMachine}, so the saga
 * handlers, the API, the expiry sweep and the tests share one definition.
 */
export const ORDER_STATUSES = [
  'PENDING',
  'AWAITING_PAYMENT',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const CANCELLATION_REASONS = [
  'OUT_OF_STOCK',
  'CUSTOMER_REQUEST',
  'PAYMENT_TIMEOUT',
  'PAYMENT_FAILED',
  'ADMIN',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/** One row of an order's status history. */
export interface OrderStatusRecord {
  status: OrderStatus;
  /** `null` for the first row. */
  previousStatus: OrderStatus | null;
  /** Set on cancellations only. */
  reason: CancellationReason | null;
  /** The order's version after the change. */
  version: number;
  occurredAt: Date;
}

/** What the machine changes of an order (the `Order` entity). */
export interface StatefulOrder {
  status: OrderStatus;
  cancellationReason: CancellationReason | null;
  version: number;
  updatedAt: Date;
  /** Appends a row to the order's status history. */
  recordStatusChange(change: OrderStatusRecord): void;
}

/** What a status change carries besides the new status. */
export interface OrderTransition {
  /** Required exactly when the order is cancelled. */
  reason: CancellationReason | null;
  now: Date;
}

/**
 * The order's transitions. The guard asks for a cancellation reason exactly when cancelling; the
 * hook records the history row, stores the reason and bumps `version` (the per-order event
 * version). A refused change throws the platform's `IllegalTransitionError` and changes nothing.
 */
export const orderStateMachine = new StateMachine<OrderStatus, StatefulOrder, OrderTransition>({
  name: 'order',
  transitions: {
    PENDING: ['AWAITING_PAYMENT', 'CANCELLED'],
    AWAITING_PAYMENT: ['PAID', 'CANCELLED'],
    PAID: ['SHIPPED', 'CANCELLED'],
    SHIPPED: ['DELIVERED'],
    DELIVERED: [],
    CANCELLED: [],
  },
  describeRefusal: (from, to) =>
    to === 'CANCELLED'
      ? `The order cannot be cancelled: it is already ${from}`
      : `The order cannot change from ${from} to ${to}`,
  guard: (order, to, { reason }) => {
    if ((to === 'CANCELLED') === (reason !== null)) return;
    throw new IllegalTransitionError(
      'order',
      order.status,
      to,
      to === 'CANCELLED'
        ? 'Cancelling an order needs a cancellation reason'
        : `A cancellation reason (${String(reason)}) only applies when cancelling, not when changing to ${to}`,
    );
  },
  onTransition: (order, from, to, { reason, now }) => {
    order.cancellationReason = reason;
    order.version += 1;
    order.updatedAt = now;
    order.recordStatusChange({
      status: to,
      previousStatus: from,
      reason,
      version: order.version,
      occurredAt: now,
    });
  },
});
