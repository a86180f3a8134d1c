import { badUserInput, type DomainError, type Money } from '@marketplace/platform';

/** Why `payOrder` refused, for clients to branch on (`extensions.reason`). */
export type PayOrderRefusalReason = 'ORDER_NOT_PAYABLE' | 'INSUFFICIENT_FUNDS';

/** The only order status in which an order can be paid for. */
export const PAYABLE_ORDER_STATUS = 'AWAITING_PAYMENT';

/** The order status every cancellation ends in; it never changes again. */
export const CANCELLED_ORDER_STATUS = 'CANCELLED';

const EXPLANATIONS: Readonly<Record<string, string>> = {
  PENDING: 'stock is still being reserved',
  PAID: 'it has already been paid for',
  SHIPPED: 'it has already been paid for',
  DELIVERED: 'it has already been paid for',
};

/**
 * Why an order in `status` (as last heard from the order service) cannot be paid for, or null
 * when it can. Statuses this service does not know are refused without an explanation.
 */
export function payOrderRefusal(status: string): string | null {
  if (status === PAYABLE_ORDER_STATUS) return null;
  const explanation = EXPLANATIONS[status];
  return explanation ? `Order is ${status}: ${explanation}` : `Order is ${status}`;
}

const refused = (message: string, reason: PayOrderRefusalReason, extra: Record<string, unknown> = {}) =>
  badUserInput(message, 'orderId', { reason, ...extra });

/** `BAD_USER_INPUT` with `reason: ORDER_NOT_PAYABLE`, for a message from {@link payOrderRefusal}. */
export const orderNotPayable = (message: string): DomainError => refused(message, 'ORDER_NOT_PAYABLE');

/** `BAD_USER_INPUT` with `reason: INSUFFICIENT_FUNDS`; amounts are in minor units, as everywhere in the API. */
export const insufficientFunds = (balance: Money, orderTotal: Money): DomainError =>
  refused(
    `Insufficient funds: balance ${balance.amount}, order total ${orderTotal.amount}`,
    'INSUFFICIENT_FUNDS',
    { balance, orderTotal },
  );
