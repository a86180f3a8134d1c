import type { EntityManager } from '@mikro-orm/postgresql';
import { raw, type EntityName, type FindOptions } from '@mikro-orm/core';
import {
  entityByIdLoader,
  groupedLoader,
  uuidArrayLiteral,
  type EventWorkers,
  type RedisCallLimiter,
  type SubgraphContext,
} from '@marketplace/platform';
import type { CheckoutService } from './checkout.service';
import { Order } from './entities/order.entity';
import { OrderItem } from './entities/order-item.entity';
import { OrderStatusChange } from './entities/order-status-change.entity';
import type { OrderExpiryWorker } from './order-expiry.worker';
import type { OrderService } from './order.service';

/** What the order subgraph knows of a user: the key it was given. */
export interface UserReference {
  id: string;
}

/**
 * Rows of a child table for a batch of orders in one query. `= any(array)` keeps the SQL text
 * the same for any batch size.
 */
function findByOrderIds<T extends { order: Order }>(
  em: EntityManager,
  entity: EntityName<T>,
  orderIds: readonly string[],
  orderBy: FindOptions<T>['orderBy'],
): Promise<T[]> {
  return em.find(
    entity,
    { [raw((alias) => `${alias}.order_id = any(?::uuid[])`, [uuidArrayLiteral(orderIds)])]: [] } as never,
    { orderBy } as FindOptions<T>,
  );
}

/** Per-request loaders: one query per batch for orders, their items and their histories. */
export const createLoaders = (em: EntityManager) => ({
  orderById: entityByIdLoader<Order>(em, Order),
  itemsByOrderId: groupedLoader<string, OrderItem>(
    (orderIds) => findByOrderIds(em, OrderItem, orderIds, { productName: 'asc', id: 'asc' }),
    (item) => item.order.id,
  ),
  statusHistoryByOrderId: groupedLoader<string, OrderStatusChange>(
    (orderIds) => findByOrderIds(em, OrderStatusChange, orderIds, { version: 'asc' }),
    (change) => change.order.id,
  ),
});

export type OrderLoaders = ReturnType<typeof createLoaders>;

export interface OrderServices {
  orders: OrderService;
  checkout: CheckoutService;
  /** The unpaid-order expiry sweep (also one of the workers). */
  expiry: OrderExpiryWorker;
  /** Paces calls to the product subgraph (`PRODUCT_CLIENT_RATE_LIMIT_RPS`); absent when unlimited. */
  productLimiter?: RedisCallLimiter;
  /** The outbox relay and saga consumer; set when the workers are built (tests reach them here). */
  events?: EventWorkers;
}

export type OrderContext = SubgraphContext<OrderLoaders, OrderServices>;
