import { newId } from '@marketplace/platform';
import { StockReservation } from '../entities/stock-reservation.entity';
import { stockEvent } from './stock-events';

describe('stock events', () => {
  it("announces a reservation as a v1 event keyed by its order, numbered by the reservation's version", () => {
    const items = [{ productId: newId(), quantity: 2 }];
    const reservation = new StockReservation(newId(), 'RESERVED', items);
    expect(stockEvent('StockReserved', reservation, { items })).toMatchObject({
      type: 'StockReserved',
      schemaVersion: 1,
      orderId: reservation.orderId,
      version: 1,
      source: 'product',
      payload: { items },
    });
  });

  it('numbers the release or sale after the reservation', () => {
    const reservation = new StockReservation(newId(), 'SOLD', []);
    reservation.version = 2;
    expect(stockEvent('StockSold', reservation, { items: [] })).toMatchObject({
      type: 'StockSold',
      version: 2,
    });
  });
});
