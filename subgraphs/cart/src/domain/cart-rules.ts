import { badUserInput, multiplyMoney, sumMoney, type Money } from '@marketplace/platform';

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

export const itemCount = (quantities: readonly number[]): number =>
  quantities.reduce((sum, quantity) => sum + quantity, 0);
