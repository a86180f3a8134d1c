import { payloadOf, type EventHandler } from '@marketplace/platform';
import type { OrderPaymentService } from '../../order-payment.service';

/** `OrderPlaced` → a `PENDING` payable order with the order's total and buyer. */
export const onOrderPlaced =
  (orderPayments: OrderPaymentService): EventHandler =>
  async ({ em, event, log }) => {
    const { userId, total } = payloadOf(event, 'OrderPlaced');
    const recorded = await orderPayments.recordPlaced(
      { em },
      { orderId: event.orderId, userId, total, version: event.version },
    );
    if (!recorded) log.debug('order already known');
  };
