import {
  createEvent,
  money,
  type CatalogueEvent,
  type EventCatalogue,
  type PaymentRefundedV1,
  type PaymentSucceededV1,
} from '@marketplace/platform';
import { chargedPaymentEventVersion } from '../domain/payment-state';
import type { Payment } from '../entities/payment.entity';

/** The `source` of every event this service emits. */
export const PAYMENT_EVENT_SOURCE = 'payment';

function chargedPaymentEvent<TType extends 'PaymentSucceeded' | 'PaymentRefunded'>(
  type: TType,
  payment: Payment,
  status: 'SUCCEEDED' | 'REFUNDED',
  payload: EventCatalogue[TType],
): CatalogueEvent<TType> {
  return createEvent({
    type,
    orderId: payment.orderId,
    version: chargedPaymentEventVersion(status),
    source: PAYMENT_EVENT_SOURCE,
    payload,
  });
}

const payloadOf = (payment: Payment): PaymentSucceededV1 & PaymentRefundedV1 => ({
  paymentId: payment.id,
  userId: payment.userId,
  amount: money(payment.amount, payment.currency),
});

/** `PaymentSucceeded` v1: the order was charged (order → `PAID`). */
export const paymentSucceededEvent = (payment: Payment): CatalogueEvent<'PaymentSucceeded'> =>
  chargedPaymentEvent('PaymentSucceeded', payment, 'SUCCEEDED', payloadOf(payment));

/** `PaymentRefunded` v1: the charge of a cancelled order went back to the wallet. */
export const paymentRefundedEvent = (payment: Payment): CatalogueEvent<'PaymentRefunded'> =>
  chargedPaymentEvent('PaymentRefunded', payment, 'REFUNDED', payloadOf(payment));
