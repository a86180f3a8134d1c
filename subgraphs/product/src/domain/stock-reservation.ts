import { isId, type OrderLine, type StockReservationFailedV1 } from '@marketplace/platform';

/**
 * What became of an order's stock: `RESERVED` (held for it) → `SOLD` (shipped) or `RELEASED`
 * (cancelled); `REJECTED` when the order could not be reserved in full. `RELEASED` is also the
 * tombstone of an order cancelled before its reservation was ever attempted.
 */
export const STOCK_RESERVATION_STATUSES = ['RESERVED', 'RELEASED', 'SOLD', 'REJECTED'] as const;
export type StockReservationStatus = (typeof STOCK_RESERVATION_STATUSES)[number];

/**
 * An order event this service can neither apply nor refuse (no lines, a non-positive quantity, an
 * order id that is not a UUID): a bug upstream, so the consumer dead-letters it.
 */
export class MalformedOrderEventError extends Error {}

/**
 * The lines of an `OrderPlaced` as this service reserves them: one line per product (repeated
 * products merged), ids lower-case as stored. An id that is not a UUID is kept as given: no product
 * has it, so the reservation fails as `UNKNOWN_PRODUCT` rather than the event being lost.
 */
export function normalizeOrderLines(items: unknown): OrderLine[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new MalformedOrderEventError('OrderPlaced has no lines');
  }
  const quantities = new Map<string, number>();
  for (const item of items as Partial<OrderLine>[]) {
    const { productId, quantity } = item ?? {};
    if (typeof productId !== 'string' || !Number.isSafeInteger(quantity) || (quantity as number) < 1) {
      throw new MalformedOrderEventError(`OrderPlaced has a malformed line: ${JSON.stringify(item)}`);
    }
    const id = isId(productId) ? productId.toLowerCase() : productId;
    quantities.set(id, (quantities.get(id) ?? 0) + (quantity as number));
  }
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * The ids of the products to lock (existing ones can only have UUIDs), sorted: every reservation,
 * release and sale locks its products in this one order, so two of them sharing products queue
 * behind each other instead of deadlocking.
 */
export const productIdsToLock = (lines: readonly OrderLine[]): string[] =>
  [...new Set(lines.map((line) => line.productId).filter(isId))].sort();

/** A product's stock as read under its row lock. */
export interface StockLevel {
  onHand: number;
  reserved: number;
}

export type ReservationDecision =
  { reserved: true; lines: OrderLine[] } | ({ reserved: false } & StockReservationFailedV1);

/**
 * All lines or none: reserved only when every product exists and has `onHand - reserved >=
 * quantity`. Otherwise every line that fails is listed; the reason is `UNKNOWN_PRODUCT` when any
 * product does not exist (no restock can fix that order), else `OUT_OF_STOCK`.
 */
export function decideReservation(
  lines: readonly OrderLine[],
  levels: ReadonlyMap<string, StockLevel>,
): ReservationDecision {
  let unknownProduct = false;
  const unavailable: StockReservationFailedV1['unavailable'] = [];
  for (const { productId, quantity } of lines) {
    const level = levels.get(productId);
    if (!level) unknownProduct = true;
    const available = level ? Math.max(level.onHand - level.reserved, 0) : 0;
    if (!level || available < quantity) unavailable.push({ productId, requested: quantity, available });
  }
  if (unavailable.length === 0) return { reserved: true, lines: [...lines] };
  return { reserved: false, reason: unknownProduct ? 'UNKNOWN_PRODUCT' : 'OUT_OF_STOCK', unavailable };
}
