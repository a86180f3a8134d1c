import { Collection, EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import { orderTotal, type ValidNewOrder } from '../domain/order-lines';
import {
  CANCELLATION_REASONS,
  ORDER_STATUSES,
  type CancellationReason,
  type OrderStatus,
  type OrderStatusRecord,
  type StatefulOrder,
} from '../domain/order-state';
import { OrderItem } from './order-item.entity';
import { OrderStatusChange } from './order-status-change.entity';

/**
 * A placed order: the aggregate root for its items and status history. Status only changes
 * through `orderStateMachine.transition`, which records the change and bumps `version`.
 */
export class Order implements StatefulOrder {
  id: string = newId();
  userId: string;
  /** Default: `PENDING`. */
  status: OrderStatus = 'PENDING';
  /** Set exactly when `status` is `CANCELLED`. */
  cancellationReason: CancellationReason | null = null;
  /** Sum of the line totals, in minor units of `currency`. */
  totalAmount: number;
  currency: string;
  shippingAddress: string;
  /** The client's checkout key; unique per user, so a resubmitted checkout finds this order. */
  idempotencyKey: string | null;
  createdAt: Date;
  updatedAt: Date;
  /**
   * Starts at 1 and grows by one with every status change: the per-order event version, and
   * the expected value for optimistic updates.
   */
  version = 1;
  items = new Collection<OrderItem>(this);
  statusHistory = new Collection<OrderStatusChange>(this);

  /** A new `PENDING` order with its items, priced from the snapshotted unit prices. */
  constructor(userId: string, fields: ValidNewOrder, currency: string, now = new Date()) {
    this.userId = userId;
    this.shippingAddress = fields.shippingAddress;
    this.idempotencyKey = fields.idempotencyKey;
    this.currency = currency;
    this.totalAmount = orderTotal(fields.lines, currency).amount;
    this.createdAt = now;
    this.updatedAt = now;
    for (const line of fields.lines) this.items.add(new OrderItem(this, line, currency));
    this.statusHistory.add(new OrderStatusChange(this, 'PENDING', null, null, this.version, now));
  }

  /** The state machine's hook: appends a row to the status history. */
  recordStatusChange(change: OrderStatusRecord): void {
    this.statusHistory.add(
      new OrderStatusChange(
        this,
        change.status,
        change.previousStatus,
        change.reason,
        change.version,
        change.occurredAt,
      ),
    );
  }
}

export const OrderSchema = new EntitySchema<Order>({
  class: Order,
  tableName: 'orders',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    status: { enum: true, items: [...ORDER_STATUSES], default: 'PENDING' },
    cancellationReason: { enum: true, items: [...CANCELLATION_REASONS], nullable: true },
    totalAmount: { type: 'integer' },
    currency: { type: 'string', length: 3 },
    shippingAddress: { type: 'text' },
    idempotencyKey: { type: 'string', length: 100, nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz(3)' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz(3)' },
    version: { type: 'integer', default: 1 },
    items: { kind: '1:m', entity: () => OrderItem, mappedBy: 'order' },
    statusHistory: { kind: '1:m', entity: () => OrderStatusChange, mappedBy: 'order' },
  },
  uniques: [{ name: 'orders_user_idempotency_key_unique', properties: ['userId', 'idempotencyKey'] }],
  indexes: [
    {
      name: 'orders_user_created_at_index',
      expression:
        'create index "orders_user_created_at_index" on "orders" ("user_id", "created_at" desc, "id")',
    },
    {
      // The expiry sweep's scan: only unpaid orders, oldest first.
      name: 'orders_unpaid_created_at_index',
      expression:
        'create index "orders_unpaid_created_at_index" on "orders" ("created_at") where status in (\'PENDING\', \'AWAITING_PAYMENT\')',
    },
  ],
});
