import { IllegalTransitionError } from '@marketplace/platform';
import {
  chargedPaymentEventVersion,
  PAYMENT_STATUSES,
  paymentStateMachine,
  type PaymentStatus,
} from './payment-state';

const ALLOWED: [PaymentStatus, PaymentStatus][] = [
  ['PENDING', 'SUCCEEDED'],
  ['PENDING', 'FAILED'],
  ['SUCCEEDED', 'REFUNDED'],
];

describe('payment state machine', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    const payment = { status: from };
    paymentStateMachine.transition(payment, to);
    expect(payment.status).toBe(to);
  });

  const refused = PAYMENT_STATUSES.flatMap((from) =>
    PAYMENT_STATUSES.filter((to) => !ALLOWED.some(([a, b]) => a === from && b === to)).map(
      (to) => [from, to] as [PaymentStatus, PaymentStatus],
    ),
  );

  it.each(refused)('refuses %s → %s with ILLEGAL_TRANSITION, changing nothing', (from, to) => {
    const payment = { status: from };
    expect(paymentStateMachine.can(from, to)).toBe(false);
    expect(() => paymentStateMachine.transition(payment, to)).toThrow(IllegalTransitionError);
    expect(() => paymentStateMachine.transition(payment, to)).toThrow(
      expect.objectContaining({
        details: { reason: 'ILLEGAL_TRANSITION', status: from, requestedStatus: to },
      }),
    );
    expect(payment.status).toBe(from);
  });

  it('explains what the current status allows', () => {
    expect(() => paymentStateMachine.assert('PENDING', 'REFUNDED')).toThrow(
      'A PENDING payment cannot become REFUNDED (it can become SUCCEEDED or FAILED)',
    );
    expect(() => paymentStateMachine.assert('FAILED', 'SUCCEEDED')).toThrow(
      'A FAILED payment cannot become SUCCEEDED (FAILED is final)',
    );
  });

  it('treats FAILED and REFUNDED as final', () => {
    expect(PAYMENT_STATUSES.filter((status) => paymentStateMachine.isFinal(status))).toEqual([
      'FAILED',
      'REFUNDED',
    ]);
  });
});

describe('charged payment event versions', () => {
  it('announces the charge before the refund of the same order', () => {
    expect(chargedPaymentEventVersion('SUCCEEDED')).toBe(1);
    expect(chargedPaymentEventVersion('REFUNDED')).toBeGreaterThan(chargedPaymentEventVersion('SUCCEEDED'));
  });
});
