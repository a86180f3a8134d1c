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
