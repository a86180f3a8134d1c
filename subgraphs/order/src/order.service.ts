import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  isId,
  notFound,
  pageSize,
  parseId,
  requireOwnerOrAdmin,
  requireViewer,
  toConnection,
  type Connection,
  type Viewer,
} from '@marketplace/platform';
import { decodeHistoryCursor, historyCursorKey, historyWindow } from './domain/order-history';
import { illegalTransition } from './domain/order-errors';
import { validateNewOrder, type NewOrderFields } from './domain/order-lines';
import { isCancellable, type CancellationReason, type OrderStatus } from './domain/order-state';
import { Order } from './entities/order.entity';
import type { OrderLoaders, UserReference } from './context';
import type { OrderLifecycle } from './order-lifecycle';

/** What the write use cases need of a request or message: its own EntityManager fork. */
export interface OrderServiceContext {
  em: EntityManager;
}

/** What the read use cases need of a request: the caller and the per-request order loader. */
export interface OrderReadContext extends OrderServiceContext {
  viewer: Viewer | null;
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

export interface CreateOrderInput extends NewOrderFields {
  userId: string;
  /** Placement time. Default: now (tests pass fixed times). */
  now?: Date;
}

/** What `cancelOrder` needs of a request: the caller. */
export interface OrderWriteContext extends OrderServiceContext {
  viewer: Viewer | null;
}

export interface CreateOrderResult {
  order: Order;
  /** `false` when the user's idempotency key matched an existing order, which is returned instead. */
  created: boolean;
}

/**
 * Order use cases: the reads, cancellation, and the order-writing seams checkout and the saga
 * build on ({@link OrderService.createOrder}, {@link OrderService.changeStatus}). Every write
 * goes through the {@link OrderLifecycle}, so it records history and emits its events.
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
   * `order(id)`: signed-in callers only; a malformed id is `BAD_USER_INPUT`, an unknown one
   * `null`, someone else's order `FORBIDDEN` (administrators see every order).
   */
  async findOrder(context: OrderReadContext, id: string): Promise<Order | null> {
    requireViewer(context.viewer);
    return this.loadVisible(context, parseId(id));
  }

  /** `_entities` for `Order`: like {@link findOrder}, but a malformed key simply resolves to null. */
  async resolveOrderReference(context: OrderReadContext, id: string): Promise<Order | null> {
    requireViewer(context.viewer);
    return isId(id) ? this.loadVisible(context, id.toLowerCase()) : null;
  }

  /** `_entities` for `User`: only the user themself and administrators may reach their orders. */
  resolveUserReference(context: Pick<OrderReadContext, 'viewer'>, id: string): UserReference | null {
    requireOwnerOrAdmin(context.viewer, id);
    return isId(id) ? { id: id.toLowerCase() } : null;
  }

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
    requireOwnerOrAdmin(context.viewer, userId);
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
   * `OrderStatusChanged` outbox rows, in one transaction. With an idempotency key, a repeated
   * call for the same user returns the order the first call created (`created: false`) — also
   * when the calls race, because the `(user_id, idempotency_key)` unique constraint decides and
   * the losers' transactions (outbox rows included) roll back.
   */
  async createOrder(context: OrderServiceContext, input: CreateOrderInput): Promise<CreateOrderResult> {
    const userId = parseId(input.userId, 'userId');
    const valid = validateNewOrder(input);
    const existing = await this.findByIdempotencyKey(context, userId, valid.idempotencyKey);
    if (existing) return { order: existing, created: false };

    const order = new Order(userId, valid, this.currency, input.now);
    try {
      await context.em.fork().transactional(async (em) => this.lifecycle.place(em, order));
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      const winner = await this.findByIdempotencyKey(context, userId, valid.idempotencyKey);
      if (!winner) throw error;
      return { order: winner, created: false };
    }
    return { order, created: true };
  }

  /**
   * Applies one status change, with its history row and events, under a row lock
   * (`select … for update`), so concurrent changes of one order run one after the other and each
   * sees the status the previous one left. Throws `IllegalTransitionError` /
   * `CancellationReasonError` for what the state machine forbids, `NOT_FOUND` for an unknown order.
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

  /**
   * `cancelOrder(id)`: the owner (reason CUSTOMER_REQUEST) or an administrator (reason ADMIN when
   * the order is someone else's) cancels an order that has not been dispatched. Once SHIPPED,
   * DELIVERED or CANCELLED it is refused with `BAD_USER_INPUT` (`reason: ILLEGAL_TRANSITION`)
   * and nothing changes. Stock, payment and delivery compensate on `OrderCancelled`.
   */
  async cancelOrder(context: OrderWriteContext, id: string, now = new Date()): Promise<Order> {
    const viewer = requireViewer(context.viewer);
    const orderId = parseId(id);
    return context.em.fork().transactional(async (em) => {
      const order = await this.lifecycle.lock(em, orderId);
      if (!order) throw notFound('Order', orderId);
      requireOwnerOrAdmin(viewer, order.userId);
      if (!isCancellable(order.status)) throw illegalTransition(order.status, 'CANCELLED');
      const reason: CancellationReason = viewer.userId === order.userId ? 'CUSTOMER_REQUEST' : 'ADMIN';
      this.lifecycle.transition(em, order, 'CANCELLED', reason, now);
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

  private async loadVisible(context: OrderReadContext, id: string): Promise<Order | null> {
    const order = await context.loaders.orderById.load(id);
    if (!order) return null;
    requireOwnerOrAdmin(context.viewer, order.userId);
    return order;
  }
}
