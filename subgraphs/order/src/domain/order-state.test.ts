import {
  assertStatusChange,
  assertTransition,
  canTransition,
  CancellationReasonError,
  CANCELLATION_REASONS,
  IllegalTransitionError,
  isCancellable,
  isFinal,
  ORDER_STATUSES,
  type OrderStatus,
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

describe('order state machine', () => {
  it('covers all 36 ordered pairs of the six statuses: 7 legal, 29 illegal', () => {
    expect(ORDER_STATUSES).toHaveLength(6);
    expect(legalPairs).toHaveLength(7);
    expect(illegalPairs).toHaveLength(29);
  });

  it.each(legalPairs)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(illegalPairs)('refuses %s → %s with an IllegalTransitionError naming both states', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    let thrown: unknown;
    try {
      assertTransition(from, to);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    const error = thrown as IllegalTransitionError;
    expect(error).toMatchObject({ name: 'IllegalTransitionError', from, to });
    expect(error.message).toContain(from);
    expect(error.message).toContain(to);
  });

  it('refuses every self-transition', () => {
    for (const status of ORDER_STATUSES) expect(canTransition(status, status)).toBe(false);
  });

  it('treats only DELIVERED and CANCELLED as final', () => {
    expect(ORDER_STATUSES.filter(isFinal)).toEqual(['DELIVERED', 'CANCELLED']);
  });

  it('allows cancelling only before dispatch', () => {
    expect(ORDER_STATUSES.filter(isCancellable)).toEqual(['PENDING', 'AWAITING_PAYMENT', 'PAID']);
  });

  describe('status change with a reason', () => {
    it.each(CANCELLATION_REASONS)('accepts cancelling a paid order for %s', (reason) => {
      expect(() => assertStatusChange('PAID', 'CANCELLED', reason)).not.toThrow();
    });

    it('refuses a cancellation without a reason', () => {
      expect(() => assertStatusChange('PENDING', 'CANCELLED')).toThrow(CancellationReasonError);
    });

    it('refuses a reason on anything but a cancellation', () => {
      expect(() => assertStatusChange('PENDING', 'AWAITING_PAYMENT', 'ADMIN')).toThrow(
        CancellationReasonError,
      );
    });

    it('checks the edge before the reason, so cancelling a shipped order is an illegal transition', () => {
      expect(() => assertStatusChange('SHIPPED', 'CANCELLED', 'CUSTOMER_REQUEST')).toThrow(
        IllegalTransitionError,
      );
      expect(() => assertStatusChange('SHIPPED', 'CANCELLED')).toThrow(IllegalTransitionError);
    });
  });
});
