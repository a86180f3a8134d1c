import {
  assertPaymentTransition,
  canTransitionPayment,
  chargedPaymentEventVersion,
  IllegalPaymentTransitionError,
  isFinalPaymentStatus,
  PAYMENT_STATUSES,
  type PaymentStatus,
} from './payment-state';

const ALLOWED: [PaymentStatus, PaymentStatus][] = [
  ['PENDING', 'SUCCEEDED'],
  ['PENDING', 'FAILED'],
  ['SUCCEEDED', 'REFUNDED'],
];

describe('payment state machine', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransitionPayment(from, to)).toBe(true);
    expect(() => assertPaymentTransition(from, to)).not.toThrow();
  });

  const refused = PAYMENT_STATUSES.flatMap((from) =>
    PAYMENT_STATUSES.filter((to) => !ALLOWED.some(([a, b]) => a === from && b === to)).map(
      (to) => [from, to] as [PaymentStatus, PaymentStatus],
    ),
  );

  it.each(refused)('refuses %s → %s with a typed error', (from, to) => {
    expect(canTransitionPayment(from, to)).toBe(false);
    expect(() => assertPaymentTransition(from, to)).toThrow(IllegalPaymentTransitionError);
  });

  it('explains what the current status allows', () => {
    expect(() => assertPaymentTransition('PENDING', 'REFUNDED')).toThrow(
      'A PENDING payment cannot become REFUNDED (it can become SUCCEEDED or FAILED)',
    );
    expect(() => assertPaymentTransition('FAILED', 'SUCCEEDED')).toThrow(
      'A FAILED payment cannot become SUCCEEDED (FAILED is final)',
    );
  });

  it('treats FAILED and REFUNDED as final', () => {
    expect(PAYMENT_STATUSES.filter(isFinalPaymentStatus)).toEqual(['FAILED', 'REFUNDED']);
  });
});

describe('charged payment event versions', () => {
  it('announces the charge before the refund of the same order', () => {
    expect(chargedPaymentEventVersion('SUCCEEDED')).toBe(1);
    expect(chargedPaymentEventVersion('REFUNDED')).toBeGreaterThan(chargedPaymentEventVersion('SUCCEEDED'));
  });
});
