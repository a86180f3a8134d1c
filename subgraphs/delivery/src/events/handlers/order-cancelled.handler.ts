import { IllegalTransitionError, payloadOf, type EventHandler } from '@marketplace/platform';
import type { DeliveryService } from '../../delivery.service';

/**
 * `OrderCancelled` → the order's delivery is called off while it is still `CREATED`. A parcel
 * already on its way is left as it is, with a warning: a dispatch racing a cancellation is
 * resolved by staff (a known limitation). Neither case is an error, so nothing is dead-lettered.
 */
export const onOrderCancelled =
  (deliveries: DeliveryService): EventHandler =>
  async ({ em, event, log }) => {
    const { reason } = payloadOf(event, 'OrderCancelled');
    try {
      const delivery = await deliveries.cancelForOrder({ em }, event.orderId, `Order cancelled (${reason})`);
      if (delivery) log.info({ deliveryId: delivery.id, reason }, 'delivery of a cancelled order called off');
    } catch (error) {
      if (!(error instanceof IllegalTransitionError) || error.machine !== 'delivery') throw error;
      if (error.from === 'CANCELLED') return;
      log.warn(
        { status: error.from, reason },
        'order cancelled after its delivery was dispatched; left for staff to resolve',
      );
    }
  };
