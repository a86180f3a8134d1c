import { BigIntType, EntitySchema } from '@mikro-orm/postgresql';

/**
 * This service's copy of an order it may be asked to charge, kept from the order service's events
 * (event-carried state: paying never calls the order service). `status` is the order status as last
 * heard; `orderVersion` is that event's per-order version, so an older event arriving late is ignored.
 * Its row lock serialises `payOrder` against the cancellation of the same order.
 */
export class PayableOrder {
  orderId: string;
  /** The buyer: the only user who may pay for the order. */
  userId: string;
  /** The order total in minor units of `currency`. */
  amount: number;
  currency: string;
  /** The order's status; not an enum here, so a status the order service adds later is still stored. */
  status: string;
  orderVersion: number;
  updatedAt: Date = new Date();

  constructor(
    orderId: string,
    userId: string,
    amount: number,
    currency: string,
    status: string,
    orderVersion: number,
  ) {
    this.orderId = orderId;
    this.userId = userId;
    this.amount = amount;
    this.currency = currency;
    this.status = status;
    this.orderVersion = orderVersion;
  }
}

export const PayableOrderSchema = new EntitySchema<PayableOrder>({
  class: PayableOrder,
  tableName: 'payable_orders',
  properties: {
    orderId: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    amount: { type: new BigIntType('number') },
    currency: { type: 'string', length: 3 },
    status: { type: 'string', length: 30 },
    orderVersion: { type: 'integer' },
    updatedAt: {
      type: 'datetime',
      columnType: 'timestamptz',
      defaultRaw: 'now()',
      onUpdate: () => new Date(),
    },
  },
});
