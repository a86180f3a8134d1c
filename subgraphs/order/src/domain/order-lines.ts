import { badUserInput, isId, multiplyMoney, sumMoney, type Money } from '@marketplace/platform';

/** One line of a new order, with the product name and unit price snapshotted at checkout. */
export interface OrderLine {
  productId: string;
  productName: string;
  quantity: number;
  /** Minor units in the shop currency. */
  unitPriceAmount: number;
}

export interface NewOrderFields {
  shippingAddress: string;
  /** Client-chosen key that makes a repeated submission return the first order; `null` for none. */
  idempotencyKey?: string | null;
  lines: readonly OrderLine[];
}

export interface ValidNewOrder {
  shippingAddress: string;
  idempotencyKey: string | null;
  lines: OrderLine[];
}

export const MAX_SHIPPING_ADDRESS_LENGTH = 500;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 100;
export const MAX_PRODUCT_NAME_LENGTH = 200;
/** Quantities above this are surely a mistake, and it keeps line totals far from overflow. */
export const MAX_LINE_QUANTITY = 10_000;

function validateLine(line: OrderLine, index: number): OrderLine {
  const field = `items[${index}]`;
  if (!isId(line.productId)) throw badUserInput(`${field}.productId must be a valid ID`, field);
  const productName = line.productName.trim();
  if (!productName || productName.length > MAX_PRODUCT_NAME_LENGTH) {
    throw badUserInput(`${field}.productName must be 1 to ${MAX_PRODUCT_NAME_LENGTH} characters`, field);
  }
  if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY) {
    throw badUserInput(`${field}.quantity must be between 1 and ${MAX_LINE_QUANTITY}`, field);
  }
  if (
    !Number.isInteger(line.unitPriceAmount) ||
    line.unitPriceAmount < 0 ||
    line.unitPriceAmount > 2 ** 31 - 1
  ) {
    throw badUserInput(`${field}.unitPriceAmount must be a non-negative amount in minor units`, field);
  }
  return {
    productId: line.productId.toLowerCase(),
    productName,
    quantity: line.quantity,
    unitPriceAmount: line.unitPriceAmount,
  };
}

/** Trims the address; blank or longer than 500 characters is `BAD_USER_INPUT` on `shippingAddress`. */
export function validateShippingAddress(value: string): string {
  const shippingAddress = value.trim();
  if (!shippingAddress || shippingAddress.length > MAX_SHIPPING_ADDRESS_LENGTH) {
    throw badUserInput(
      `shippingAddress must be 1 to ${MAX_SHIPPING_ADDRESS_LENGTH} characters`,
      'shippingAddress',
    );
  }
  return shippingAddress;
}

/** A key must be 1 to 100 characters (`BAD_USER_INPUT` on `idempotencyKey`); `null` means none. */
export function validateIdempotencyKey(value: string | null | undefined): string | null {
  const idempotencyKey = value ?? null;
  if (
    idempotencyKey !== null &&
    (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
  ) {
    throw badUserInput(
      `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      'idempotencyKey',
    );
  }
  return idempotencyKey;
}

/**
 * Checks and normalises what a new order is made of. Every failure is `BAD_USER_INPUT` naming
 * the field: an empty order, a repeated product, a blank address or an oversized key.
 */
export function validateNewOrder(fields: NewOrderFields): ValidNewOrder {
  return {
    shippingAddress: validateShippingAddress(fields.shippingAddress),
    idempotencyKey: validateIdempotencyKey(fields.idempotencyKey),
    lines: validateOrderLines(fields.lines),
  };
}

/** Checks and normalises the lines of a new order: at least one, each product once (`items`). */
export function validateOrderLines(lines: readonly OrderLine[]): OrderLine[] {
  if (lines.length === 0) throw badUserInput('An order needs at least one item', 'items');
  const valid = lines.map(validateLine);
  const productIds = new Set(valid.map((line) => line.productId));
  if (productIds.size !== valid.length) {
    throw badUserInput('Each product may appear on only one line of an order', 'items');
  }
  return valid;
}

export const lineTotal = (line: Pick<OrderLine, 'quantity' | 'unitPriceAmount'>, currency: string): Money =>
  multiplyMoney({ amount: line.unitPriceAmount, currency }, line.quantity);

/** The order total; refuses a total that does not fit the `int` column. */
export function orderTotal(lines: readonly OrderLine[], currency: string): Money {
  const total = sumMoney(
    lines.map((line) => lineTotal(line, currency)),
    currency,
  );
  if (total.amount > 2 ** 31 - 1) throw badUserInput('The order total is too large', 'items');
  return total;
}
