import { badUserInput, type DomainError } from './errors';

/** Money in integer minor units (kopecks, cents) with an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

export const money = (amount: number, currency: string): Money => ({ amount, currency });

/**
 * The largest amount the API can show: money amounts are GraphQL `Int` (32-bit signed) minor
 * units. Arithmetic on JS numbers is exact up to 2^53 and amounts that may grow past this one are
 * stored as `bigint`; what the API would have to show beyond it is refused before it is stored.
 */
export const MAX_API_AMOUNT = 2_147_483_647;

/** True when `amount` is whole and the API can show it. */
export const isShowableAmount = (amount: number): boolean =>
  Number.isSafeInteger(amount) && Math.abs(amount) <= MAX_API_AMOUNT;

/** `BAD_USER_INPUT` with reason `AMOUNT_TOO_LARGE` (and the `max`): an amount past {@link MAX_API_AMOUNT}. */
export const amountTooLarge = (message: string, field?: string): DomainError =>
  badUserInput(message, field, { reason: 'AMOUNT_TOO_LARGE', max: MAX_API_AMOUNT });

/**
 * A stored amount for a response. One the API cannot show (e.g. a balance that refunds took past
 * it) is a clear error on that field alone instead of a failed `Int` serialization.
 */
export function showableMoney(amount: number, currency: string, what: string): Money {
  if (isShowableAmount(amount)) return money(amount, currency);
  throw amountTooLarge(
    `The ${what} is more than the largest amount the API can show (${MAX_API_AMOUNT} minor units)`,
  );
}

/** Sums line totals; every line must be in `currency` (the shop sells in one currency). */
export function sumMoney(lines: readonly Money[], currency: string): Money {
  let amount = 0;
  for (const line of lines) {
    if (line.currency !== currency) throw new Error(`cannot add ${line.currency} to ${currency}`);
    amount += line.amount;
  }
  if (!Number.isSafeInteger(amount)) throw new Error('money overflow');
  return { amount, currency };
}

export const multiplyMoney = (price: Money, quantity: number): Money => ({
  amount: price.amount * quantity,
  currency: price.currency,
});
