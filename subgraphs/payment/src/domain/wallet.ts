import { badUserInput } from '@marketplace/platform';

/** Largest single top-up, in minor units: 1 000 000.00 in the shop currency. */
export const MAX_TOP_UP_AMOUNT = 100_000_000;

/**
 * The most top-ups may bring a balance to, in minor units: 10 000 000.00 in the shop currency. It
 * limits top-ups only — a refund is the customer's own money and always comes back, even above
 * it. The headroom up to `MAX_API_AMOUNT` (over 11 000 000.00) keeps a refunded balance
 * showable; balances are stored as `bigint`, so even past it nothing is lost.
 */
export const MAX_BALANCE_AMOUNT = 1_000_000_000;

/** A debit larger than the wallet balance. Balances never go below zero. */
export class InsufficientFundsError extends Error {
  constructor(
    readonly balance: number,
    readonly requested: number,
  ) {
    super(`Insufficient funds: the balance is ${balance}, ${requested} is needed`);
    this.name = 'InsufficientFundsError';
  }
}

/** A top-up that would take the balance above {@link MAX_BALANCE_AMOUNT}. */
export class BalanceLimitExceededError extends Error {
  constructor(
    readonly balance: number,
    readonly credit: number,
  ) {
    super(
      `The balance of ${balance} cannot be topped up by ${credit}: top-ups stop at ${MAX_BALANCE_AMOUNT}`,
    );
    this.name = 'BalanceLimitExceededError';
  }
}

/** Checks a client's top-up amount: a positive integer up to {@link MAX_TOP_UP_AMOUNT}. */
export function validateTopUpAmount(amount: number): number {
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_TOP_UP_AMOUNT) {
    throw badUserInput(
      `amount must be a whole number of minor units from 1 to ${MAX_TOP_UP_AMOUNT}`,
      'amount',
    );
  }
  return amount;
}

/** Checks an amount a service passes in (a payment or refund): a positive safe integer. */
export function assertPositiveAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw new RangeError(`amount must be a positive integer of minor units, got ${amount}`);
  }
}

/**
 * The balance after a signed change, or a typed error when it would go below zero or, for a change
 * with a `ceiling` (a top-up: {@link MAX_BALANCE_AMOUNT}), above it. Payments and refunds pass no
 * ceiling: a refund must never fail for a limit the customer reached by topping up.
 */
export function applyToBalance(balance: number, change: number, ceiling?: number): number {
  const next = balance + change;
  if (next < 0) throw new InsufficientFundsError(balance, -change);
  if (ceiling !== undefined && next > ceiling) throw new BalanceLimitExceededError(balance, change);
  if (!Number.isSafeInteger(next)) throw new RangeError(`balance ${next} is not a safe integer`);
  return next;
}

/**
 * When a wallet's next ledger line happens: now, but always after the previous change of that
 * wallet (`previous`), so the ledger reads back in the order it was written even when two changes
 * fall in one millisecond or replicas' clocks disagree. Changes are serialised by the wallet lock.
 */
export const nextLedgerTime = (previous: Date, now: Date = new Date()): Date =>
  new Date(Math.max(now.getTime(), previous.getTime() + 1));
