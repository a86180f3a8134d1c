import type { EventHandler } from '@marketplace/platform';
import type { StockReservationService } from '../../stock-reservation.service';

/**
 * `OrderShipped` → the order's reserved units are sold: they leave both the stock on hand and the
 * reserved count (`StockSold`). A shipped order without a live reservation is logged, not failed:
 * the order is the source of truth for its status, and there is no stock left to move.
 */
export const onOrderShipped =
  (stock: StockReservationService): EventHandler =>
  async ({ em, event, log }) => {
    const { effect, reservation } = await stock.sellForOrder({ em }, event.orderId);
    if (effect === 'SOLD') {
      log.info({ lines: reservation?.lines.length }, 'stock of a shipped order sold');
    } else {
      log.warn({ status: reservation?.status ?? null }, 'order shipped without reserved stock; nothing sold');
    }
  };
