/** Where a payment attempt is. */
export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED'];

/** `PENDING → SUCCEEDED | FAILED`, `SUCCEEDED → REFUNDED`; `FAILED` and `REFUNDED` are final. */
const NEXT: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  PENDING: ['SUCCEEDED', 'FAILED'],
  SUCCEEDED: ['REFUNDED'],
  FAILED: [],
  REFUNDED: [],
};

/** A payment was asked to move to a status its current one does not lead to. */
export class IllegalPaymentTransitionError extends Error {
  constructor(
    readonly from: PaymentStatus,
    readonly to: PaymentStatus,
  ) {
    super(
      `A ${from} payment cannot become ${to}` +
        (NEXT[from].length ? ` (it can become ${NEXT[from].join(' or ')})` : ` (${from} is final)`),
    );
    this.name = 'IllegalPaymentTransitionError';
  }
}

export const canTransitionPayment = (from: PaymentStatus, to: PaymentStatus): boolean =>
  NEXT[from].includes(to);

/** Throws {@link IllegalPaymentTransitionError} unless `from → to` is allowed. */
export function assertPaymentTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransitionPayment(from, to)) throw new IllegalPaymentTransitionError(from, to);
}

export const isFinalPaymentStatus = (status: PaymentStatus): boolean => NEXT[status].length === 0;

/**
 * The per-order `version` of the event announcing that an order's charged payment reached
 * `status`. An order has at most one charged payment (a partial unique index), and only its
 * `SUCCEEDED` (1) and `REFUNDED` (2) steps are announced, so this is the payment service's
 * per-order event sequence without a counter column.
 */
export function chargedPaymentEventVersion(status: 'SUCCEEDED' | 'REFUNDED'): number {
  return status === 'SUCCEEDED' ? 1 : 2;
}
