/**
 * The order state machine (DESIGN.md §4):
 *
 * ```
 * PENDING → AWAITING_PAYMENT → PAID → SHIPPED → DELIVERED
 *    └────────────┴──────────────┴──→ CANCELLED (with a reason)
 * ```
 *
 * Cancelling is allowed until the order is dispatched; SHIPPED, DELIVERED and CANCELLED never go
 * back. Pure functions, so the saga handlers, the API and the tests share one definition.
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

const NEXT_STATUSES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['AWAITING_PAYMENT', 'CANCELLED'],
  AWAITING_PAYMENT: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/** Refused status change; names both states so logs and clients can tell what was attempted. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';

  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`An order cannot change from ${from} to ${to}`);
  }
}

/** A cancellation without a reason, or a reason on anything but a cancellation. */
export class CancellationReasonError extends Error {
  override readonly name = 'CancellationReasonError';

  constructor(
    readonly to: OrderStatus,
    readonly reason: CancellationReason | null,
  ) {
    super(
      to === 'CANCELLED'
        ? 'Cancelling an order needs a cancellation reason'
        : `A cancellation reason (${String(reason)}) only applies when cancelling, not when changing to ${to}`,
    );
  }
}

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean =>
  NEXT_STATUSES[from].includes(to);

/** Throws {@link IllegalTransitionError} unless `from → to` is an edge of the state machine. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/**
 * Checks a whole status change: the edge must exist, and a reason is required exactly when the
 * target is `CANCELLED`.
 */
export function assertStatusChange(
  from: OrderStatus,
  to: OrderStatus,
  reason: CancellationReason | null = null,
): void {
  assertTransition(from, to);
  if ((to === 'CANCELLED') !== (reason !== null)) throw new CancellationReasonError(to, reason);
}

/** States with no way out. */
export const isFinal = (status: OrderStatus): boolean => NEXT_STATUSES[status].length === 0;

/** Whether an order in `status` may still be cancelled (i.e. it has not been dispatched). */
export const isCancellable = (status: OrderStatus): boolean => canTransition(status, 'CANCELLED');
