/** Money in integer minor units (kopecks, cents) with an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

export const money = (amount: number, currency: string): Money => ({ amount, currency });

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
