import { LockMode, type QueryResult } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent, isId, uuidArrayLiteral, type OrderLine } from '@marketplace/platform';
import {
  decideReservation,
  MalformedOrderEventError,
  normalizeOrderLines,
  productIdsToLock,
  type StockLevel,
} from './domain/stock-reservation';
import { StockReservation } from './entities/stock-reservation.entity';
import { stockEvent } from './events/stock-events';

/** A transactional EntityManager: the effect, its event and the processed-event row commit together. */
export interface StockReservationContext {
  em: EntityManager;
}

/** What applying an order event did, for the handler's log. */
export type ReservationEffect =
  | 'RESERVED'
  | 'REJECTED'
  /** `OrderPlaced` for an order whose reservation was already decided (or tombstoned): nothing changed. */
  | 'ALREADY_DECIDED'
  | 'RELEASED'
  | 'SOLD'
  /** `OrderCancelled` before any reservation: a `RELEASED` row with no lines bars a late `OrderPlaced`. */
  | 'TOMBSTONED'
  /** A release or sale of a reservation that holds nothing (rejected, released or sold before). */
  | 'NOTHING_HELD';

export interface ReservationOutcome {
  effect: ReservationEffect;
  /** Null only for a sale of an order this service never heard of. */
  reservation: StockReservation | null;
}

/** How one unit of a line moves the product's columns. */
interface StockMovement {
  onHand: -1 | 0;
  reserved: -1 | 1;
}
const RESERVE: StockMovement = { onHand: 0, reserved: 1 };
const RELEASE: StockMovement = { onHand: 0, reserved: -1 };
const SELL: StockMovement = { onHand: -1, reserved: -1 };

/**
 * The stock side of the order saga. Every method runs inside the consumer's transaction: it locks
 * the order's reservation row, then the products' rows in id order (the same order everywhere, so
 * concurrent orders sharing products queue instead of deadlocking), reads the stock under those
 * locks and writes the change with its outbox event. Correctness rests on the row locks; the
 * table's check constraints (`0 <= reserved <= on hand`) are the backstop, never the mechanism.
 */
export class StockReservationService {
  /** @param topic the namespaced topic of product events. */
  constructor(private readonly topic: string) {}

  /**
   * `OrderPlaced` → every line reserved (`StockReserved`), or none and the order told why
   * (`StockReservationFailed`). An order that already has a reservation row — reserved, rejected
   * or tombstoned by an earlier cancellation — is left as it is.
   */
  async reserveForOrder(
    { em }: StockReservationContext,
    orderId: string,
    items: unknown,
  ): Promise<ReservationOutcome> {
    const lines = normalizeOrderLines(items);
    const existing = await this.lockReservation(em, orderId);
    if (existing) return { effect: 'ALREADY_DECIDED', reservation: existing };

    const decision = decideReservation(lines, await this.lockStock(em, lines));
    if (decision.reserved) {
      await this.moveStock(em, lines, RESERVE);
      const reservation = this.add(em, orderId, 'RESERVED', lines);
      enqueueEvent(em, this.topic, stockEvent('StockReserved', reservation, { items: lines }));
      return { effect: 'RESERVED', reservation };
    }
    const { reason, unavailable } = decision;
    const reservation = this.add(em, orderId, 'REJECTED', lines);
    enqueueEvent(em, this.topic, stockEvent('StockReservationFailed', reservation, { reason, unavailable }));
    return { effect: 'REJECTED', reservation };
  }

  /**
   * `OrderCancelled` → a `RESERVED` order's units go back on sale (`StockReleased`). Anything else
   * holds nothing to release. An order never reserved gets a `RELEASED` tombstone, so a late
   * `OrderPlaced` cannot reserve for a cancelled order.
   */
  async releaseForOrder({ em }: StockReservationContext, orderId: string): Promise<ReservationOutcome> {
    const reservation = await this.lockReservation(em, orderId);
    if (!reservation) {
      return { effect: 'TOMBSTONED', reservation: this.add(em, orderId, 'RELEASED', []) };
    }
    if (reservation.status !== 'RESERVED') return { effect: 'NOTHING_HELD', reservation };
    await this.lockStock(em, reservation.lines);
    await this.moveStock(em, reservation.lines, RELEASE);
    this.advance(reservation, 'RELEASED');
    enqueueEvent(em, this.topic, stockEvent('StockReleased', reservation, { items: reservation.lines }));
    return { effect: 'RELEASED', reservation };
  }

  /** `OrderShipped` → a `RESERVED` order's units leave the warehouse: on hand and reserved both drop (`StockSold`). */
  async sellForOrder({ em }: StockReservationContext, orderId: string): Promise<ReservationOutcome> {
    const reservation = await this.lockReservation(em, orderId);
    if (reservation?.status !== 'RESERVED') return { effect: 'NOTHING_HELD', reservation };
    await this.lockStock(em, reservation.lines);
    await this.moveStock(em, reservation.lines, SELL);
    this.advance(reservation, 'SOLD');
    enqueueEvent(em, this.topic, stockEvent('StockSold', reservation, { items: reservation.lines }));
    return { effect: 'SOLD', reservation };
  }

  /** The order's reservation row, locked; the row lock serialises every event of one order. */
  private async lockReservation(em: EntityManager, orderId: string): Promise<StockReservation | null> {
    if (!isId(orderId))
      throw new MalformedOrderEventError(`order id ${JSON.stringify(orderId)} is not a UUID`);
    return em.findOne(
      StockReservation,
      { orderId: orderId.toLowerCase() },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
  }

  /**
   * A new reservation row, inserted at commit. Two events of one order racing past
   * `lockReservation` (there is no row to lock yet) collide on the primary key: the loser rolls
   * back and its retry finds the winner's row.
   */
  private add(
    em: EntityManager,
    orderId: string,
    status: StockReservation['status'],
    lines: OrderLine[],
  ): StockReservation {
    const reservation = new StockReservation(orderId.toLowerCase(), status, lines);
    em.persist(reservation);
    return reservation;
  }

  /**
   * Locks the lines' products in id order and reads their stock as committed by whoever held the
   * locks before (read committed re-reads a row once its lock is granted). Unknown products are
   * simply absent from the result.
   */
  private async lockStock(em: EntityManager, lines: readonly OrderLine[]): Promise<Map<string, StockLevel>> {
    const ids = productIdsToLock(lines);
    if (ids.length === 0) return new Map();
    const rows = await em.execute<{ id: string; stock_on_hand: number; stock_reserved: number }[]>(
      'select id, stock_on_hand, stock_reserved from products where id = any(?::uuid[]) order by id for update',
      [uuidArrayLiteral(ids)],
    );
    return new Map(rows.map((row) => [row.id, { onHand: row.stock_on_hand, reserved: row.stock_reserved }]));
  }

  /** Applies `movement` to every line's product in one statement; the products are already locked. */
  private async moveStock(
    em: EntityManager,
    lines: readonly OrderLine[],
    movement: StockMovement,
  ): Promise<void> {
    const result = await em.execute<QueryResult>(
      `update products p
         set stock_on_hand = p.stock_on_hand + ? * line.quantity,
             stock_reserved = p.stock_reserved + ? * line.quantity,
             updated_at = now()
         from unnest(?::uuid[], ?::int[]) as line(product_id, quantity)
         where p.id = line.product_id`,
      [
        movement.onHand,
        movement.reserved,
        uuidArrayLiteral(lines.map((line) => line.productId)),
        `{${lines.map((line) => line.quantity).join(',')}}`,
      ],
      'run',
    );
    // Products are never deleted and a reservation only holds products that existed when it was made.
    if (result.affectedRows !== lines.length) {
      throw new Error(`stock of ${lines.length} products to move, ${result.affectedRows} found`);
    }
  }

  private advance(reservation: StockReservation, status: 'RELEASED' | 'SOLD'): void {
    reservation.status = status;
    reservation.version += 1;
  }
}
