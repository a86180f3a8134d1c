import { EntitySchema } from '@mikro-orm/postgresql';
import type { OrderLine } from '@marketplace/platform';
import { STOCK_RESERVATION_STATUSES, type StockReservationStatus } from '../domain/stock-reservation';

/**
 * The stock held for one order (at most one reservation per order, keyed by its id), and what
 * became of it. `version` numbers the reservation's events for that order: 1 for the outcome of
 * `OrderPlaced`, 2 for the release or sale.
 */
export class StockReservation {
  orderId: string;
  status: StockReservationStatus;
  /** The lines as requested, one per product: held while `RESERVED`, refused when `REJECTED`. */
  lines: OrderLine[];
  /** Default 1; bumped on every status change. */
  version = 1;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();

  constructor(orderId: string, status: StockReservationStatus, lines: OrderLine[]) {
    this.orderId = orderId;
    this.status = status;
    this.lines = lines;
  }
}

export const StockReservationSchema = new EntitySchema<StockReservation>({
  class: StockReservation,
  tableName: 'stock_reservations',
  properties: {
    orderId: { type: 'uuid', primary: true },
    status: { enum: true, items: [...STOCK_RESERVATION_STATUSES] },
    lines: { type: 'json' },
    version: { type: 'integer', default: 1 },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    updatedAt: {
      type: 'datetime',
      columnType: 'timestamptz',
      defaultRaw: 'now()',
      onUpdate: () => new Date(),
    },
  },
});
