import { createEvent, type CatalogueEvent, type EventCatalogue } from '@marketplace/platform';
import type { StockReservation } from '../entities/stock-reservation.entity';

/** The `source` of every event this service emits. */
export const PRODUCT_EVENT_SOURCE = 'product';

type StockEventType = 'StockReserved' | 'StockReservationFailed' | 'StockReleased' | 'StockSold';

/**
 * A v1 stock event about `reservation`'s order, keyed by the order and numbered by the
 * reservation's own version (1 for the reservation's outcome, 2 for its release or sale).
 */
export function stockEvent<TType extends StockEventType>(
  type: TType,
  reservation: StockReservation,
  payload: EventCatalogue[TType],
): CatalogueEvent<TType> {
  return createEvent({
    type,
    orderId: reservation.orderId,
    version: reservation.version,
    source: PRODUCT_EVENT_SOURCE,
    payload,
  });
}
