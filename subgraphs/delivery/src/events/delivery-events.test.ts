import { newId } from '@marketplace/platform';
import { Delivery } from '../entities/delivery.entity';
import { deliveryStatusEvent } from './delivery-events';

const delivery = () => new Delivery(newId(), newId(), 'Warehouse', '12 Rose St, Kazan');

describe('delivery events', () => {
  it('announces a new delivery as DeliveryCreated v1, keyed by its order', () => {
    const created = delivery();
    expect(deliveryStatusEvent(created)).toMatchObject({
      type: 'DeliveryCreated',
      schemaVersion: 1,
      orderId: created.orderId,
      version: 1,
      source: 'delivery',
      payload: { deliveryId: created.id, userId: created.userId },
    });
  });

  it('carries the dispatch and delivery times', () => {
    const parcel = delivery();
    parcel.status = 'IN_TRANSIT';
    parcel.shippedAt = new Date('2026-11-23T10:00:00.000Z');
    expect(deliveryStatusEvent(parcel)).toMatchObject({
      type: 'DeliveryDispatched',
      version: 2,
      payload: { deliveryId: parcel.id, userId: parcel.userId, shippedAt: '2026-11-23T10:00:00.000Z' },
    });
    parcel.status = 'DELIVERED';
    parcel.deliveredAt = new Date('2026-11-24T09:30:00.000Z');
    expect(deliveryStatusEvent(parcel)).toMatchObject({
      type: 'DeliveryCompleted',
      version: 3,
      payload: { deliveredAt: '2026-11-24T09:30:00.000Z' },
    });
  });

  it('announces a cancellation as DeliveryCancelled v2', () => {
    const parcel = delivery();
    parcel.status = 'CANCELLED';
    expect(deliveryStatusEvent(parcel)).toMatchObject({ type: 'DeliveryCancelled', version: 2 });
  });

  it('refuses to announce a dispatch without its time (a bug, not a client mistake)', () => {
    const parcel = delivery();
    parcel.status = 'IN_TRANSIT';
    expect(() => deliveryStatusEvent(parcel)).toThrow('without shippedAt');
  });
});
