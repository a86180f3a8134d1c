import { payloadOf, type EventHandler } from '@marketplace/platform';
import type { OrderPaymentService } from '../../order-payment.service';

/** `OrderCancelled` → the order is no longer payable, and a charge already taken goes back. */
export const onOrderCancelled =
  (orderPayments: OrderPaymentService): EventHandler =>
  async ({ em, event, log }) => {
    const { reason } = payloadOf(event, 'OrderCancelled');
    const { known, refunded } = await orderPayments.recordCancellation({ em }, event.orderId, event.version);
    if (!known) log.warn({ reason }, 'cancellation of an order never placed here ignored');
    else if (refunded) log.info({ paymentId: refunded.id, reason }, 'payment of a cancelled order refunded');
  };
