import {
  assertDeliveryTransition,
  canTransitionDelivery,
  compareTrackingEvents,
  deliveryEventVersion,
  DELIVERY_STATUSES,
  IllegalDeliveryTransitionError,
  isFinalDeliveryStatus,
  type DeliveryStatus,
} from './delivery-state';

const ALLOWED: [DeliveryStatus, DeliveryStatus][] = [
  ['CREATED', 'IN_TRANSIT'],
  ['IN_TRANSIT', 'DELIVERED'],
  ['CREATED', 'CANCELLED'],
];

describe('delivery state machine', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransitionDelivery(from, to)).toBe(true);
    expect(() => assertDeliveryTransition(from, to)).not.toThrow();
  });

  const refused = DELIVERY_STATUSES.flatMap((from) =>
    DELIVERY_STATUSES.filter((to) => !ALLOWED.some(([a, b]) => a === from && b === to)).map(
      (to) => [from, to] as [DeliveryStatus, DeliveryStatus],
    ),
  );

  it.each(refused)('refuses %s → %s with a typed error', (from, to) => {
    expect(canTransitionDelivery(from, to)).toBe(false);
    expect(() => assertDeliveryTransition(from, to)).toThrow(IllegalDeliveryTransitionError);
  });

  it('explains what the current status allows', () => {
    expect(() => assertDeliveryTransition('IN_TRANSIT', 'CANCELLED')).toThrow(
      'A IN_TRANSIT delivery cannot become CANCELLED (it can become DELIVERED)',
    );
    expect(() => assertDeliveryTransition('DELIVERED', 'IN_TRANSIT')).toThrow(
      'A DELIVERED delivery cannot become IN_TRANSIT (DELIVERED is final)',
    );
  });

  it('treats DELIVERED and CANCELLED as final', () => {
    expect(DELIVERY_STATUSES.filter(isFinalDeliveryStatus)).toEqual(['DELIVERED', 'CANCELLED']);
  });

  it('orders tracking events by time, then by their place in the lifecycle', () => {
    const at = new Date('2026-11-21T10:00:00.000Z');
    const later = new Date('2026-11-21T10:00:00.001Z');
    const events = [
      { status: 'DELIVERED' as const, occurredAt: later },
      { status: 'IN_TRANSIT' as const, occurredAt: at },
      { status: 'CREATED' as const, occurredAt: at },
    ];
    expect([...events].sort(compareTrackingEvents).map((event) => event.status)).toEqual([
      'CREATED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
  });
});

describe('delivery event versions', () => {
  it('numbers the events of a delivery in the order they happen', () => {
    expect(
      ['CREATED', 'IN_TRANSIT', 'DELIVERED'].map((status) => deliveryEventVersion(status as DeliveryStatus)),
    ).toEqual([1, 2, 3]);
    expect(deliveryEventVersion('CANCELLED')).toBe(deliveryEventVersion('CREATED') + 1);
  });

  it('gives every allowed move a higher version than the status it leaves', () => {
    for (const [from, to] of ALLOWED) expect(deliveryEventVersion(to)).toBe(deliveryEventVersion(from) + 1);
  });
});
