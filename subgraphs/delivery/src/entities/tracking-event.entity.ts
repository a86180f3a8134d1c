import { EntitySchema } from '@mikro-orm/postgresql';
import { newId } from '@marketplace/platform';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../domain/delivery-state';
import { Delivery } from './delivery.entity';

/** One step in a delivery's history: recorded in the same transaction as the status change. */
export class TrackingEvent {
  id: string = newId();
  delivery: Delivery;
  /** The status the delivery entered. */
  status: DeliveryStatus;
  note: string | null;
  occurredAt: Date;

  constructor(delivery: Delivery, status: DeliveryStatus, note: string | null, occurredAt = new Date()) {
    this.delivery = delivery;
    this.status = status;
    this.note = note;
    this.occurredAt = occurredAt;
  }
}

export const TrackingEventSchema = new EntitySchema<TrackingEvent>({
  class: TrackingEvent,
  tableName: 'tracking_events',
  uniques: [
    // The lifecycle never revisits a status, so a second event for one is a lost race that must fail.
    { name: 'tracking_events_delivery_id_status_unique', properties: ['delivery', 'status'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    delivery: { kind: 'm:1', entity: () => Delivery },
    status: { enum: true, items: [...DELIVERY_STATUSES] },
    note: { type: 'string', length: 500, nullable: true },
    occurredAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});
