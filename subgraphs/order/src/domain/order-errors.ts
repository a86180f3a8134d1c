import { badUserInput, type DomainError } from '@marketplace/platform';

/**
 * Refusals of checkout. Both are `BAD_USER_INPUT` with a machine-readable `extensions.reason`,
 * so clients can tell "your cart is empty" from "a product is gone" without parsing messages
 * (a refused status change is the state machine's `ILLEGAL_TRANSITION`).
 */
export type OrderErrorReason = 'CART_EMPTY' | 'PRODUCT_UNAVAILABLE';

export const cartEmpty = (): DomainError =>
  badUserInput('Your cart is empty', 'cart', { reason: 'CART_EMPTY' satisfies OrderErrorReason });

/** A cart line whose product the catalog no longer has (removed since it was added). */
export const productUnavailable = (productId: string): DomainError =>
  badUserInput(`Product ${productId} in your cart is no longer available; remove it and try again`, 'cart', {
    reason: 'PRODUCT_UNAVAILABLE' satisfies OrderErrorReason,
    productId,
  });
