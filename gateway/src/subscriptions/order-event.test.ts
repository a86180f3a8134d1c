import { createEvent } from '@marketplace/platform';
import { asOrderStatusChanged, eventFields, ownerOf } from './order-event';

const orderStatusChanged = (payload: Record<string, unknown>) =>
  createEvent({ type: 'OrderStatusChanged', orderId: 'o-1', version: 3, source: 'order', payload });

describe('order events', () => {
  const payload = { userId: 'u-1', status: 'PAID', previousStatus: 'AWAITING_PAYMENT', reason: null };

  it('accepts a version-1 OrderStatusChanged and exposes its owner and fields', () => {
    const event = asOrderStatusChanged(orderStatusChanged(payload));
    expect(event).not.toBeNull();
    expect(ownerOf(event!)).toBe('u-1');
    expect(eventFields(event!)).toMatchObject({
      orderId: 'o-1',
      version: 3,
      status: 'PAID',
      previousStatus: 'AWAITING_PAYMENT',
      reason: null,
    });
  });

  it.each([
    ['another type', { ...orderStatusChanged(payload), type: 'OrderPaid' }],
    ['another schema version', { ...orderStatusChanged(payload), schemaVersion: 2 }],
    ['no owner', orderStatusChanged({ ...payload, userId: undefined })],
    ['a malformed reason', orderStatusChanged({ ...payload, reason: 42 })],
  ])('ignores %s', (_case, event) => {
    expect(asOrderStatusChanged(event)).toBeNull();
  });
});
