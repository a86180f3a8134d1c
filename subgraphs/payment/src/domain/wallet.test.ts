import {
  applyToBalance,
  assertPositiveAmount,
  BalanceLimitExceededError,
  InsufficientFundsError,
  MAX_BALANCE_AMOUNT,
  MAX_TOP_UP_AMOUNT,
  nextLedgerTime,
  validateTopUpAmount,
} from './wallet';

describe('wallet rules', () => {
  it.each([1, 5_000, MAX_TOP_UP_AMOUNT])('accepts a top-up of %d', (amount) => {
    expect(validateTopUpAmount(amount)).toBe(amount);
  });

  it.each([0, -1, 1.5, MAX_TOP_UP_AMOUNT + 1, Number.NaN])(
    'refuses a top-up of %d as BAD_USER_INPUT on amount',
    (amount) => {
      expect(() => validateTopUpAmount(amount)).toThrow(
        expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'amount' } }),
      );
    },
  );

  it('refuses non-positive or fractional service amounts', () => {
    for (const amount of [0, -5, 2.5, Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => assertPositiveAmount(amount)).toThrow(RangeError);
    }
    expect(() => assertPositiveAmount(1)).not.toThrow();
  });

  it('applies credits and debits that keep the balance in range', () => {
    expect(applyToBalance(100, 50)).toBe(150);
    expect(applyToBalance(100, -100)).toBe(0);
    expect(applyToBalance(MAX_BALANCE_AMOUNT - 1, 1, MAX_BALANCE_AMOUNT)).toBe(MAX_BALANCE_AMOUNT);
  });

  it('credits a refund above the top-up limit: no limit applies to it', () => {
    expect(applyToBalance(MAX_BALANCE_AMOUNT, 4_000)).toBe(MAX_BALANCE_AMOUNT + 4_000);
  });

  it('refuses a debit beyond the balance, saying how much was missing', () => {
    const attempt = () => applyToBalance(100, -101);
    expect(attempt).toThrow(InsufficientFundsError);
    expect(attempt).toThrow('Insufficient funds: the balance is 100, 101 is needed');
  });

  it('refuses a top-up beyond its ceiling', () => {
    expect(() => applyToBalance(MAX_BALANCE_AMOUNT, 1, MAX_BALANCE_AMOUNT)).toThrow(
      BalanceLimitExceededError,
    );
  });

  it('stamps each ledger line after the wallet’s previous change', () => {
    const previous = new Date('2026-11-21T10:00:00.000Z');
    expect(nextLedgerTime(previous, new Date('2026-11-21T10:00:05.000Z'))).toEqual(
      new Date('2026-11-21T10:00:05.000Z'),
    );
    expect(nextLedgerTime(previous, previous)).toEqual(new Date('2026-11-21T10:00:00.001Z'));
    expect(nextLedgerTime(previous, new Date('2026-11-21T09:59:00.000Z'))).toEqual(
      new Date('2026-11-21T10:00:00.001Z'),
    );
  });
});
