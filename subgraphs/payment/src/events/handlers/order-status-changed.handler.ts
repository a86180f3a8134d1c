import { payloadOf, type EventHandler } from '@marketplace/platform';
import type { OrderPaymentService } from '../../order-payment.service';

/** `OrderStatusChanged` → the payable order's status, unless a newer change was applied already. */
export const onOrderStatusChanged =
  (orderPayments: OrderPaymentService): EventHandler =>
  async ({ em, event, log }) => {
    const { status } = payloadOf(event, 'OrderStatusChanged');
    const changed = await orderPayments.recordStatusChange({ em }, event.orderId, status, event.version);
    // An older event arriving late, or one about an order never placed here: nothing to do.
    if (!changed) log.debug({ status, version: event.version }, 'stale or unknown order status ignored');
  };
