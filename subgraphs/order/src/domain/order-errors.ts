import { GraphQLError } from 'graphql';
import { CancellationReasonError, IllegalTransitionError, type OrderStatus } from './order-state';

/**
 * Client errors of the order use cases. All are `BAD_USER_INPUT` with a machine-readable
 * `extensions.reason`, so clients can tell "your cart is empty" from "too late to cancel"
 * without parsing messages.
 */
export type OrderErrorReason = 'CART_EMPTY' | 'PRODUCT_UNAVAILABLE' | 'ILLEGAL_TRANSITION';

const orderError = (message: string, reason: OrderErrorReason, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason, ...extra } });

export const cartEmpty = (): GraphQLError =>
  orderError('Your cart is empty', 'CART_EMPTY', { field: 'cart' });

/** A cart line whose product the catalog no longer has (removed since it was added). */
export const productUnavailable = (productId: string): GraphQLError =>
  orderError(
    `Product ${productId} in your cart is no longer available; remove it and try again`,
    'PRODUCT_UNAVAILABLE',
    { field: 'cart', productId },
  );

/** A status change the state machine refuses, naming the order's current status. */
export function illegalTransition(from: OrderStatus, to: OrderStatus): GraphQLError {
  const message =
    to === 'CANCELLED'
      ? `The order cannot be cancelled: it is already ${from}`
      : `The order cannot change from ${from} to ${to}`;
  return orderError(message, 'ILLEGAL_TRANSITION', { status: from, requestedStatus: to });
}

/**
 * Maps the state machine's errors to client errors, so a refused transition never reaches a
 * client as `INTERNAL_SERVER_ERROR`; anything else is returned unchanged.
 */
export function toClientError(error: unknown): unknown {
  if (error instanceof IllegalTransitionError) return illegalTransition(error.from, error.to);
  if (error instanceof CancellationReasonError) {
    return orderError(error.message, 'ILLEGAL_TRANSITION', { requestedStatus: error.to });
  }
  return error;
}
