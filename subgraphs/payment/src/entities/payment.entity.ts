import { BigIntType, EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import { PAYMENT_STATUSES, type PaymentStatus } from '../domain/payment-state';

/**
 * One attempt to pay for an order. An order may see several attempts (e.g. a failed one, then a
 * successful one), but a partial unique index lets at most one of them be `SUCCEEDED` or `REFUNDED`,
 * so an order is charged at most once.
 */
export class Payment {
  id: string = newId();
  orderId: string;
  /** The buyer: the only customer who may read this payment. */
  userId: string;
  /** Minor units, positive. */
  amount: number;
  currency: string;
  /** Default: `PENDING`; changes only through `paymentStateMachine` (`domain/payment-state`). */
  status: PaymentStatus = 'PENDING';
  /** Set when `FAILED`, e.g. `Insufficient funds`. */
  failureReason: string | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();

  constructor(orderId: string, userId: string, amount: number, currency: string) {
    this.orderId = orderId;
    this.userId = userId;
    this.amount = amount;
    this.currency = currency;
  }
}

export const PaymentSchema = new EntitySchema<Payment>({
  class: Payment,
  tableName: 'payments',
  checks: [{ name: 'payments_amount_check', expression: 'amount > 0' }],
  indexes: [
    { name: 'payments_order_id_created_at_index', properties: ['orderId', 'createdAt'] },
    { name: 'payments_user_id_index', properties: ['userId'] },
  ],
  uniques: [
    {
      // The "one charge per order" guarantee: a refunded charge still counts, so a cancelled and
      // refunded order can never be charged again.
      name: 'payments_order_id_charged_unique',
      expression:
        "create unique index payments_order_id_charged_unique on payments (order_id) where status in ('SUCCEEDED', 'REFUNDED')",
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    orderId: { type: 'uuid' },
    userId: { type: 'uuid' },
    amount: { type: new BigIntType('number') },
    currency: { type: 'string', length: 3 },
    status: { enum: true, items: [...PAYMENT_STATUSES], default: 'PENDING' },
    failureReason: { type: 'string', length: 500, nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    updatedAt: {
      type: 'datetime',
      columnType: 'timestamptz',
      defaultRaw: 'now()',
      onUpdate: () => new Date(),
    },
  },
});
