import { StateMachine } from '@marketplace/platform';

/** Where a payment attempt is. */
export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED'];

/** What the machine changes of a payment (the `Payment` entity). */
export interface StatefulPayment {
  status: PaymentStatus;
}

/** `PENDING → SUCCEEDED | FAILED`, `SUCCEEDED → REFUNDED`; `FAILED` and `REFUNDED` are final. */
const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  PENDING: ['SUCCEEDED', 'FAILED'],
  SUCCEEDED: ['REFUNDED'],
  FAILED: [],
  REFUNDED: [],
};

/**
 * The payment's transitions; every status change of a payment goes through it. A refused change
 * throws the platform's `IllegalTransitionError` and changes nothing.
 */
export const paymentStateMachine = new StateMachine<PaymentStatus, StatefulPayment>({
  name: 'payment',
  transitions: TRANSITIONS,
  describeRefusal: (from, to) =>
    `A ${from} payment cannot become ${to}` +
    (TRANSITIONS[from].length ? ` (it can become ${TRANSITIONS[from].join(' or ')})` : ` (${from} is final)`),
});

/**
 * The per-order `version` of the event announcing that an order's charged payment reached
 * `status`. An order has at most one charged payment (a partial unique index), and only its
 * `SUCCEEDED` (1) and `REFUNDED` (2) steps are announced, so this is the payment service's
 * per-order event sequence without a counter column.
 */
export function chargedPaymentEventVersion(status: 'SUCCEEDED' | 'REFUNDED'): number {
  return status === 'SUCCEEDED' ? 1 : 2;
}
