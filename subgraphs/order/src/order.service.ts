import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound, pageSize, parseId, toConnection, type Connection } from '@marketplace/platform';
import { decodeHistoryCursor, historyCursorKey, historyWindow } from './domain/order-history';
import type { ValidNewOrder } from './domain/order-lines';
import type { CancellationReason, OrderStatus } from './domain/order-state';
import { Order } from './entities/order.entity';
import type { OrderLoaders } from './context';
import type { OrderLifecycle } from './order-lifecycle';

/** What the write use cases need of a request or message: its own EntityManager fork. */
export interface OrderServiceContext {
  em: EntityManager;
}

/** What the list use case needs of a request: the per-request order loader (primed with the page). */
export interface OrderReadContext extends OrderServiceContext {
  loaders: Pick<OrderLoaders, 'orderById'>;
}

/** Arguments of `User.orders`; every one is optional. */
export interface OrderHistoryArgs {
  /** Inclusive lower bound on `createdAt`. */
  from?: Date | null;
  /** Exclusive upper bound on `createdAt`. */
  to?: Date | null;
  /** Page size, 1 to 100. Default 20. */
  first?: number | null;
  /** `endCursor` of the previous page. */
  after?: string | null;
}

/** A new order whose fields were validated (`validateNewOrder`, or checkout's own checks). */
export interface CreateOrderInput extends ValidNewOrder {
  /** The buyer, already authorized by the caller. */
  userId: string;
  /** Placement time. Default: now (tests pass fixed times). */
  now?: Date;
}

export interface CreateOrderResult {
  order: Order;
  /** `false` when the user's idempotency key matched an existing order, which is returned instead. */
  created: boolean;
}

/**
 * Order use cases: the order history, and the order-writing seams checkout, cancellation and the
 * saga build on ({@link OrderService.createOrder}, {@link OrderService.changeStatus}). Every
 * write goes through the {@link OrderLifecycle}, so it records history and emits its events.
 * Callers authorize first (the resolvers); the service takes an already-authorized user id.
 */
export class OrderService {
  /**
   * @param currency the shop currency (`config.currency`), stamped on new orders and items.
   * @param lifecycle writes status changes with their history and outbox events.
   */
  constructor(
    readonly currency: string,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  /**
   * `User.orders`: the user's orders created in `[from, to)`, newest first, paged by a keyset
   * cursor on `(createdAt desc, id asc)` (the order of the history index), so a page costs the
   * same however deep it is and concurrent inserts never shift it. `totalCount` counts the
   * whole period.
   */
  async listUserOrders(
    context: OrderReadContext,
    userId: string,
    args: OrderHistoryArgs,
  ): Promise<Connection<Order>> {
    const ownerId = parseId(userId);
    const window = historyWindow(args.from, args.to);
    const limit = pageSize(args.first);
    const cursor = decodeHistoryCursor(args.after);

    const createdAt: { $gte?: Date; $lt?: Date } = {};
    if (window.from) createdAt.$gte = window.from;
    if (window.to) createdAt.$lt = window.to;
    const inPeriod: FilterQuery<Order> = {
      userId: ownerId,
      ...(window.from || window.to ? { createdAt } : {}),
    };
    const afterCursor: FilterQuery<Order> = cursor
      ? {
          // The `$lte` bound lets the index range-scan; the `$or` breaks ties on equal times.
          createdAt: { $lte: cursor.createdAt },
          $or: [{ createdAt: { $lt: cursor.createdAt } }, { id: { $gt: cursor.id } }],
        }
      : {};
    const [rows, totalCount] = await Promise.all([
      context.em.find(
        Order,
        { $and: [inPeriod, afterCursor] },
        { orderBy: { createdAt: 'desc', id: 'asc' }, limit: limit + 1 },
      ),
      context.em.count(Order, inPeriod),
    ]);
    for (const order of rows) context.loaders.orderById.prime(order.id, order);
    return toConnection(rows, limit, totalCount, historyCursorKey, cursor !== null);
  }

  /**
   * Writes a new `PENDING` order with its items, first history row and the `OrderPlaced` +
   * `OrderStatusChanged` outbox rows, in one transaction. The caller validated the fields and
   * looked up the key already (checkout does both before reading the cart); the
   * `(user_id, idempotency_key)` unique index decides when submissions race or repeat: the
   * loser's transaction, outbox rows included, rolls back and it gets the winner
   * (`created: false`).
   */
  async createOrder(context: OrderServiceContext, input: CreateOrderInput): Promise<CreateOrderResult> {
    const order = new Order(input.userId, input, this.currency, input.now);
    try {
      await context.em.fork().transactional(async (em) => this.lifecycle.place(em, order));
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      const winner = await this.findByIdempotencyKey(context, input.userId, input.idempotencyKey);
      if (!winner) throw error;
      return { order: winner, created: false };
    }
    return { order, created: true };
  }

  /**
   * Applies one status change, with its history row and events, under a row lock
   * (`select … for update`), so concurrent changes of one order run one after the other and each
   * sees the status the previous one left. Throws the platform's `IllegalTransitionError` for
   * what the state machine forbids (`BAD_USER_INPUT`, reason `ILLEGAL_TRANSITION`: also what a
   * client gets for cancelling a shipped order) and `NOT_FOUND` for an unknown order.
   */
  async changeStatus(
    context: OrderServiceContext,
    orderId: string,
    to: OrderStatus,
    reason: CancellationReason | null = null,
    now = new Date(),
  ): Promise<Order> {
    return context.em.fork().transactional(async (em) => {
      const order = await this.lifecycle.lock(em, orderId);
      if (!order) throw notFound('Order', orderId);
      this.lifecycle.transition(em, order, to, reason, now);
      return order;
    });
  }

  /** The user's order placed with `idempotencyKey`, if any (checkout's resubmission check). */
  findByIdempotencyKey(
    context: OrderServiceContext,
    userId: string,
    idempotencyKey: string | null,
  ): Promise<Order | null> {
    if (idempotencyKey === null) return Promise.resolve(null);
    return context.em.fork().findOne(Order, { userId, idempotencyKey });
  }
}
