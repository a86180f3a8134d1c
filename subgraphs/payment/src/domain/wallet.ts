import { badUserInput } from '@marketplace/platform';

/** Largest single top-up, in minor units: 1 000 000.00 in the shop currency. */
export const MAX_TOP_UP_AMOUNT = 100_000_000;

/**
 * Largest balance, in minor units: the largest GraphQL `Int` (and Postgres `integer`), so a balance
 * can always be shown to the client.
 */
export const MAX_BALANCE_AMOUNT = 2_147_483_647;

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

/** A credit that would take the balance above {@link MAX_BALANCE_AMOUNT}. */
export class BalanceLimitExceededError extends Error {
  constructor(
    readonly balance: number,
    readonly credit: number,
  ) {
    super(
      `The balance of ${balance} cannot grow by ${credit}: the most a wallet holds is ${MAX_BALANCE_AMOUNT}`,
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
 * The balance after a signed change, or a typed error when it would leave `0..MAX_BALANCE_AMOUNT`.
 */
export function applyToBalance(balance: number, change: number): number {
  const next = balance + change;
  if (next < 0) throw new InsufficientFundsError(balance, -change);
  if (next > MAX_BALANCE_AMOUNT) throw new BalanceLimitExceededError(balance, change);
  return next;
}

/**
 * When a wallet's next ledger line happens: now, but always after the previous change of that
 * wallet (`previous`), so the ledger reads back in the order it was written even when two changes
 * fall in one millisecond or replicas' clocks disagree. Changes are serialised by the wallet lock.
 */
export const nextLedgerTime = (previous: Date, now: Date = new Date()): Date =>
  new Date(Math.max(now.getTime(), previous.getTime() + 1));
