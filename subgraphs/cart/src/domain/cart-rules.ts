import {
  amountTooLarge,
  badUserInput,
  isShowableAmount,
  MAX_API_AMOUNT,
  multiplyMoney,
  sumMoney,
  type Money,
} from '@marketplace/platform';

/** Most distinct products one cart may hold. */
export const MAX_CART_LINES = 100;

/** A cart quantity is a whole number of units, at least one. */
export function validateQuantity(quantity: number): number {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw badUserInput('quantity must be a positive integer', 'quantity');
  }
  return quantity;
}

export interface StockedProduct {
  name: string;
  available: number;
}

const units = (count: number): string => `${count} ${count === 1 ? 'unit' : 'units'}`;

/**
 * The line may not hold more than can be bought. The message says how many are available (and
 * how many the cart already holds), so the client can offer the right number.
 */
export function ensureAvailable(product: StockedProduct, lineQuantity: number, alreadyInCart = 0): void {
  if (lineQuantity <= product.available) return;
  const available = Math.max(product.available, 0);
  const held = alreadyInCart > 0 ? `; your cart already has ${alreadyInCart}` : '';
  throw badUserInput(`Only ${units(available)} of "${product.name}" available${held}`, 'quantity');
}

/** A cart may grow to `MAX_CART_LINES` distinct products. */
export function ensureRoomForLine(lineCount: number): void {
  if (lineCount >= MAX_CART_LINES) {
    throw badUserInput(`A cart holds at most ${MAX_CART_LINES} different products`, 'productId');
  }
}

export const lineTotal = (price: Money, quantity: number): Money => multiplyMoney(price, quantity);

/** Sum of line totals; an empty cart costs zero in the shop currency. */
export const cartTotal = (lines: readonly Money[], currency: string): Money => sumMoney(lines, currency);

/**
 * The sum of `lines`, or null when a line or the sum passes {@link MAX_API_AMOUNT}. Lines are
 * checked first, so the sum of at most `MAX_CART_LINES` of them is exact.
 */
function showableTotal(lines: readonly Money[], currency: string): Money | null {
  if (!lines.every((line) => isShowableAmount(line.amount))) return null;
  const total = cartTotal(lines, currency);
  return isShowableAmount(total.amount) ? total : null;
}

/**
 * Refuses a change that would leave the cart costing more than {@link MAX_API_AMOUNT}: the API
 * could not show it and no order could be placed for it. `BAD_USER_INPUT` on `quantity` with
 * reason `AMOUNT_TOO_LARGE`, thrown before anything is stored.
 */
export function ensureShowableCartTotal(lines: readonly Money[], currency: string): void {
  if (showableTotal(lines, currency)) return;
  throw amountTooLarge(
    `This would make the cart cost more than the largest amount (${MAX_API_AMOUNT} minor units) it may come to`,
    'quantity',
  );
}

/**
 * The total (or one line's total) of a stored cart, for reading. A cart saved before totals were
 * checked, or whose prices rose since, may come to more than the API can show: then that field
 * alone is a clear `BAD_USER_INPUT` (reason `AMOUNT_TOO_LARGE`), and the lines stay readable and
 * editable.
 */
export function readableCartAmount(
  lines: readonly Money[],
  currency: string,
  what: 'total' | 'line total',
): Money {
  const total = showableTotal(lines, currency);
  if (total) return total;
  throw amountTooLarge(
    `The cart's ${what} is more than the largest amount the API can show (${MAX_API_AMOUNT} minor units); remove or reduce lines`,
  );
}

export const itemCount = (quantities: readonly number[]): number =>
  quantities.reduce((sum, quantity) => sum + quantity, 0);
