import { IllegalTransitionError } from '@marketplace/platform';
import {
  compareTrackingEvents,
  deliveryEventVersion,
  DELIVERY_STATUSES,
  deliveryStateMachine,
  type DeliveryStatus,
  type StatefulDelivery,
  type TrackingStep,
} from './delivery-state';

const AT = new Date('2026-11-21T10:00:00.000Z');

const deliveryIn = (status: DeliveryStatus): StatefulDelivery => ({
  status,
  shippedAt: null,
  deliveredAt: null,
  cancelledAt: null,
});

/** Moves `delivery` to `to`, returning the tracking steps the machine recorded. */
function move(delivery: StatefulDelivery, to: DeliveryStatus, note: string | null = null): TrackingStep[] {
  const steps: TrackingStep[] = [];
  deliveryStateMachine.transition(delivery, to, { now: AT, note, record: (step) => steps.push(step) });
  return steps;
}

const ALLOWED: [DeliveryStatus, DeliveryStatus][] = [
  ['CREATED', 'IN_TRANSIT'],
  ['IN_TRANSIT', 'DELIVERED'],
  ['CREATED', 'CANCELLED'],
];

describe('delivery state machine', () => {
  it.each(ALLOWED)('allows %s → %s, recording one tracking step', (from, to) => {
    const delivery = deliveryIn(from);
    expect(move(delivery, to, 'a note')).toEqual([{ status: to, note: 'a note', occurredAt: AT }]);
    expect(delivery.status).toBe(to);
  });

  it('stamps the time of each step', () => {
    const shipped = deliveryIn('CREATED');
    move(shipped, 'IN_TRANSIT');
    expect(shipped).toEqual({ status: 'IN_TRANSIT', shippedAt: AT, deliveredAt: null, cancelledAt: null });
    move(shipped, 'DELIVERED');
    expect(shipped).toMatchObject({ status: 'DELIVERED', shippedAt: AT, deliveredAt: AT });
    const cancelled = deliveryIn('CREATED');
    move(cancelled, 'CANCELLED');
    expect(cancelled).toEqual({ status: 'CANCELLED', shippedAt: null, deliveredAt: null, cancelledAt: AT });
  });

  const refused = DELIVERY_STATUSES.flatMap((from) =>
    DELIVERY_STATUSES.filter((to) => !ALLOWED.some(([a, b]) => a === from && b === to)).map(
      (to) => [from, to] as [DeliveryStatus, DeliveryStatus],
    ),
  );

  it.each(refused)('refuses %s → %s with ILLEGAL_TRANSITION, recording nothing', (from, to) => {
    const delivery = deliveryIn(from);
    const steps: TrackingStep[] = [];
    expect(deliveryStateMachine.can(from, to)).toBe(false);
    expect(() =>
      deliveryStateMachine.transition(delivery, to, {
        now: AT,
        note: null,
        record: (step) => steps.push(step),
      }),
    ).toThrow(IllegalTransitionError);
    expect(delivery).toEqual(deliveryIn(from));
    expect(steps).toEqual([]);
  });

  it('explains what the current status allows', () => {
    expect(() => deliveryStateMachine.assert('IN_TRANSIT', 'CANCELLED')).toThrow(
      'A IN_TRANSIT delivery cannot become CANCELLED (it can become DELIVERED)',
    );
    expect(() => deliveryStateMachine.assert('DELIVERED', 'IN_TRANSIT')).toThrow(
      'A DELIVERED delivery cannot become IN_TRANSIT (DELIVERED is final)',
    );
  });

  it('treats DELIVERED and CANCELLED as final', () => {
    expect(DELIVERY_STATUSES.filter((status) => deliveryStateMachine.isFinal(status))).toEqual([
      'DELIVERED',
      'CANCELLED',
    ]);
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
