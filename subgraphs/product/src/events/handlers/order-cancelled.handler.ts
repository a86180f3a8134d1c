import type { EventHandler } from '@marketplace/platform';
import type { StockReservationService } from '../../stock-reservation.service';

/**
 * `OrderCancelled` → the order's reserved units go back on sale (`StockReleased`). A reservation
 * already released, sold or rejected holds nothing: not an error, so nothing is dead-lettered.
 */
export const onOrderCancelled =
  (stock: StockReservationService): EventHandler =>
  async ({ em, event, log }) => {
    const { effect, reservation } = await stock.releaseForOrder({ em }, event.orderId);
    if (effect === 'NOTHING_HELD') {
      log.info({ status: reservation?.status }, 'cancelled order holds no stock; nothing to release');
    } else if (effect === 'TOMBSTONED') {
      log.warn('order cancelled before its stock was reserved; a late OrderPlaced will reserve nothing');
    } else {
      log.info({ lines: reservation?.lines.length }, 'stock of a cancelled order released');
    }
  };
