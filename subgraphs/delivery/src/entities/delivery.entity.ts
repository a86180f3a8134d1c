import { EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../domain/delivery-state';

/** The shipment of one order (at most one per order) from the warehouse to its buyer. */
export class Delivery {
  id: string = newId();
  orderId: string;
  /** The buyer: the only customer who may read this delivery. */
  userId: string;
  /** Default: `CREATED`; changes only through `domain/delivery-state`. */
  status: DeliveryStatus = 'CREATED';
  /** The warehouse address the parcel leaves from. */
  source: string;
  /** The shipping address given at checkout. */
  destination: string;
  createdAt: Date = new Date();
  shippedAt: Date | null = null;
  deliveredAt: Date | null = null;
  cancelledAt: Date | null = null;
  updatedAt: Date = new Date();

  constructor(orderId: string, userId: string, source: string, destination: string) {
    this.orderId = orderId;
    this.userId = userId;
    this.source = source;
    this.destination = destination;
  }
}

export const DeliverySchema = new EntitySchema<Delivery>({
  class: Delivery,
  tableName: 'deliveries',
  indexes: [
    // Administrators list deliveries newest first, optionally in one status.
    { name: 'deliveries_created_at_id_index', properties: ['createdAt', 'id'] },
    { name: 'deliveries_status_created_at_id_index', properties: ['status', 'createdAt', 'id'] },
    { name: 'deliveries_user_id_index', properties: ['userId'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    orderId: { type: 'uuid', unique: 'deliveries_order_id_unique' },
    userId: { type: 'uuid' },
    status: { enum: true, items: [...DELIVERY_STATUSES], default: 'CREATED' },
    source: { type: 'string', length: 500 },
    destination: { type: 'string', length: 500 },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    shippedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    deliveredAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    cancelledAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    updatedAt: {
      type: 'datetime',
      columnType: 'timestamptz',
      defaultRaw: 'now()',
      onUpdate: () => new Date(),
    },
  },
});
