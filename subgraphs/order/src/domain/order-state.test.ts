import { IllegalTransitionError } from '@marketplace/platform';
import {
  CANCELLATION_REASONS,
  ORDER_STATUSES,
  orderStateMachine,
  type CancellationReason,
  type OrderStatus,
  type OrderStatusRecord,
  type StatefulOrder,
} from './order-state';

// Written out independently of the implementation's table, so a changed edge fails here.
const LEGAL = new Set([
  'PENDING->AWAITING_PAYMENT',
  'PENDING->CANCELLED',
  'AWAITING_PAYMENT->PAID',
  'AWAITING_PAYMENT->CANCELLED',
  'PAID->SHIPPED',
  'PAID->CANCELLED',
  'SHIPPED->DELIVERED',
]);

const allPairs: [OrderStatus, OrderStatus][] = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.map((to): [OrderStatus, OrderStatus] => [from, to]),
);
const legalPairs = allPairs.filter(([from, to]) => LEGAL.has(`${from}->${to}`));
const illegalPairs = allPairs.filter(([from, to]) => !LEGAL.has(`${from}->${to}`));

const AT = new Date('2026-11-01T10:00:00.000Z');

class FakeOrder implements StatefulOrder {
  cancellationReason: CancellationReason | null = null;
  version = 1;
  updatedAt = new Date(0);
  history: OrderStatusRecord[] = [];

  constructor(public status: OrderStatus) {}

  recordStatusChange(change: OrderStatusRecord): void {
    this.history.push(change);
  }
}

/** The error `run` throws (or fails the test). */
function refusal(run: () => void): IllegalTransitionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IllegalTransitionError);
    return error as IllegalTransitionError;
  }
  throw new Error('expected an IllegalTransitionError');
}

describe('order state machine', () => {
  it('covers all 36 ordered pairs of the six statuses: 7 legal, 29 illegal', () => {
    expect(orderStateMachine.states).toEqual(ORDER_STATUSES);
    expect(legalPairs).toHaveLength(7);
    expect(illegalPairs).toHaveLength(29);
  });

  it.each(legalPairs)('allows %s → %s', (from, to) => {
    expect(orderStateMachine.can(from, to)).toBe(true);
    expect(() => orderStateMachine.assert(from, to)).not.toThrow();
  });

  it.each(illegalPairs)('refuses %s → %s with ILLEGAL_TRANSITION naming both states', (from, to) => {
    expect(orderStateMachine.can(from, to)).toBe(false);
    const error = refusal(() => orderStateMachine.assert(from, to));
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      from,
      to,
      details: { reason: 'ILLEGAL_TRANSITION', status: from, requestedStatus: to },
    });
    expect(error.message).toContain(from);
  });

  it('says which status stops a cancellation', () => {
    expect(refusal(() => orderStateMachine.assert('SHIPPED', 'CANCELLED')).message).toBe(
      'The order cannot be cancelled: it is already SHIPPED',
    );
    expect(refusal(() => orderStateMachine.assert('AWAITING_PAYMENT', 'SHIPPED')).message).toBe(
      'The order cannot change from AWAITING_PAYMENT to SHIPPED',
    );
  });

  it('treats only DELIVERED and CANCELLED as final', () => {
    expect(ORDER_STATUSES.filter((status) => orderStateMachine.isFinal(status))).toEqual([
      'DELIVERED',
      'CANCELLED',
    ]);
  });

  it('allows cancelling only before dispatch', () => {
    expect(ORDER_STATUSES.filter((status) => orderStateMachine.can(status, 'CANCELLED'))).toEqual([
      'PENDING',
      'AWAITING_PAYMENT',
      'PAID',
    ]);
  });

  describe('transition', () => {
    it('records the change in the history, bumps the version and stamps the time', () => {
      const order = new FakeOrder('PENDING');
      orderStateMachine.transition(order, 'AWAITING_PAYMENT', { reason: null, now: AT });
      expect(order).toMatchObject({ status: 'AWAITING_PAYMENT', version: 2, updatedAt: AT });
      expect(order.history).toEqual([
        { status: 'AWAITING_PAYMENT', previousStatus: 'PENDING', reason: null, version: 2, occurredAt: AT },
      ]);
    });

    it.each(CANCELLATION_REASONS)('cancels a paid order for %s, keeping the reason', (reason) => {
      const order = new FakeOrder('PAID');
      orderStateMachine.transition(order, 'CANCELLED', { reason, now: AT });
      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: reason, version: 2 });
      expect(order.history[0]).toMatchObject({ previousStatus: 'PAID', reason });
    });

    it.each<[string, OrderStatus, CancellationReason | null]>([
      ['a cancellation without a reason', 'CANCELLED', null],
      ['a reason on anything but a cancellation', 'AWAITING_PAYMENT', 'ADMIN'],
    ])('refuses %s as ILLEGAL_TRANSITION and changes nothing', (_case, to, reason) => {
      const order = new FakeOrder('PENDING');
      const error = refusal(() => orderStateMachine.transition(order, to, { reason, now: AT }));
      expect(error.details).toMatchObject({ reason: 'ILLEGAL_TRANSITION', requestedStatus: to });
      expect(order).toMatchObject({ status: 'PENDING', version: 1, cancellationReason: null, history: [] });
    });

    it('checks the edge before the reason, so cancelling a shipped order is refused by the table', () => {
      const order = new FakeOrder('SHIPPED');
      for (const reason of ['CUSTOMER_REQUEST', null] as const) {
        expect(
          refusal(() => orderStateMachine.transition(order, 'CANCELLED', { reason, now: AT })).message,
        ).toBe('The order cannot be cancelled: it is already SHIPPED');
      }
      expect(order.history).toEqual([]);
    });
  });
});
