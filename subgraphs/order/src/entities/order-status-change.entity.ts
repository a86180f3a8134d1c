import { EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import {
  CANCELLATION_REASONS,
  ORDER_STATUSES,
  type CancellationReason,
  type OrderStatus,
} from '../domain/order-state';
import type { Order } from './order.entity';

/**
 * One row of an order's status history, written with every status change (the initial
 * `PENDING` included). `version` is the order's version after the change; it is unique per
 * order, so two writers racing from the same version cannot both record a change.
 */
export class OrderStatusChange {
  id: string = newId();
  order: Order;
  status: OrderStatus;
  /** `null` for the first row. */
  previousStatus: OrderStatus | null;
  /** Set on cancellations only. */
  reason: CancellationReason | null;
  version: number;
  occurredAt: Date;

  constructor(
    order: Order,
    status: OrderStatus,
    previousStatus: OrderStatus | null,
    reason: CancellationReason | null,
    version: number,
    occurredAt: Date,
  ) {
    this.order = order;
    this.status = status;
    this.previousStatus = previousStatus;
    this.reason = reason;
    this.version = version;
    this.occurredAt = occurredAt;
  }
}

export const OrderStatusChangeSchema = new EntitySchema<OrderStatusChange>({
  class: OrderStatusChange,
  tableName: 'order_status_changes',
  properties: {
    id: { type: 'uuid', primary: true },
    order: { kind: 'm:1', entity: 'Order', deleteRule: 'cascade' },
    status: { enum: true, items: [...ORDER_STATUSES] },
    previousStatus: { enum: true, items: [...ORDER_STATUSES], nullable: true },
    reason: { enum: true, items: [...CANCELLATION_REASONS], nullable: true },
    version: { type: 'integer' },
    occurredAt: { type: 'datetime', columnType: 'timestamptz(3)' },
  },
  uniques: [{ name: 'order_status_changes_order_version_unique', properties: ['order', 'version'] }],
});
