import { payloadOf, type EventHandler } from '@marketplace/platform';
import type { DeliveryService } from '../../delivery.service';

/** `OrderPaid` → the order's `CREATED` delivery to its shipping address (once per order). */
export const onOrderPaid =
  (deliveries: DeliveryService): EventHandler =>
  async ({ em, event, log }) => {
    const { userId, shippingAddress } = payloadOf(event, 'OrderPaid');
    const delivery = await deliveries.createDelivery(
      { em },
      { orderId: event.orderId, userId, destination: shippingAddress },
    );
    log.info({ deliveryId: delivery.id }, 'delivery of a paid order ready');
  };
