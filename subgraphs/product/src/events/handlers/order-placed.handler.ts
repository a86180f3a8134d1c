import { payloadOf, type EventHandler } from '@marketplace/platform';
import type { StockReservationService } from '../../stock-reservation.service';

/** `OrderPlaced` → all of the order's lines reserved, or none (`StockReserved` / `StockReservationFailed`). */
export const onOrderPlaced =
  (stock: StockReservationService): EventHandler =>
  async ({ em, event, log }) => {
    const { items } = payloadOf(event, 'OrderPlaced');
    const { effect, reservation } = await stock.reserveForOrder({ em }, event.orderId, items);
    if (effect === 'ALREADY_DECIDED') {
      log.info({ status: reservation?.status }, 'order already has a stock reservation; left as it is');
    } else {
      log.info({ effect, lines: reservation?.lines.length }, 'stock reservation decided');
    }
  };
