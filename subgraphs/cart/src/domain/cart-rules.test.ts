import { DomainError, MAX_API_AMOUNT, money } from '@marketplace/platform';
import {
  cartTotal,
  ensureAvailable,
  ensureRoomForLine,
  ensureShowableCartTotal,
  itemCount,
  lineTotal,
  MAX_CART_LINES,
  readableCartAmount,
  validateQuantity,
} from './cart-rules';

/** The DomainError `action` throws. */
const errorOf = (action: () => unknown): DomainError => {
  try {
    action();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error;
  }
  throw new Error('expected an error');
};
const refusalOf = (action: () => unknown) => {
  const { code, details } = errorOf(action);
  return { code, details };
};

describe('validateQuantity', () => {
  it('accepts a positive integer', () => {
    expect(validateQuantity(3)).toBe(3);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %p as BAD_USER_INPUT on quantity', (quantity) => {
    expect(refusalOf(() => validateQuantity(quantity))).toEqual({
      code: 'BAD_USER_INPUT',
      details: { field: 'quantity' },
    });
  });
});

describe('ensureAvailable', () => {
  const tulip = { name: 'Yellow Tulip', available: 3 };

  it('allows a line up to the available stock', () => {
    expect(() => ensureAvailable(tulip, 3)).not.toThrow();
  });

  it('says how many are available, and how many the cart already holds', () => {
    expect(errorOf(() => ensureAvailable(tulip, 4)).message).toBe('Only 3 units of "Yellow Tulip" available');
    expect(errorOf(() => ensureAvailable(tulip, 5, 2)).message).toBe(
      'Only 3 units of "Yellow Tulip" available; your cart already has 2',
    );
    expect(errorOf(() => ensureAvailable({ name: 'Peony', available: 1 }, 2)).message).toBe(
      'Only 1 unit of "Peony" available',
    );
  });

  it('never reports a negative availability', () => {
    expect(errorOf(() => ensureAvailable({ name: 'Peony', available: -2 }, 1)).message).toMatch(
      /^Only 0 units/,
    );
  });
});

describe('ensureRoomForLine', () => {
  it(`allows up to ${MAX_CART_LINES} lines`, () => {
    expect(() => ensureRoomForLine(MAX_CART_LINES - 1)).not.toThrow();
    expect(refusalOf(() => ensureRoomForLine(MAX_CART_LINES))).toEqual({
      code: 'BAD_USER_INPUT',
      details: { field: 'productId' },
    });
  });
});

describe('totals', () => {
  it('multiplies the unit price and sums lines and quantities', () => {
    const lines = [
      lineTotal({ amount: 10000, currency: 'RUB' }, 3),
      lineTotal({ amount: 2500, currency: 'RUB' }, 1),
    ];
    expect(lines[0]).toEqual({ amount: 30000, currency: 'RUB' });
    expect(cartTotal(lines, 'RUB')).toEqual({ amount: 32500, currency: 'RUB' });
    expect(itemCount([3, 1])).toBe(4);
  });

  it('prices an empty cart at zero in the shop currency', () => {
    expect(cartTotal([], 'RUB')).toEqual({ amount: 0, currency: 'RUB' });
    expect(itemCount([])).toBe(0);
  });
});

describe('cart amounts the API can show', () => {
  const tooLarge = { code: 'BAD_USER_INPUT', details: { reason: 'AMOUNT_TOO_LARGE', max: MAX_API_AMOUNT } };

  it('accepts a cart total up to the largest Int', () => {
    expect(() =>
      ensureShowableCartTotal([money(MAX_API_AMOUNT - 1, 'RUB'), money(1, 'RUB')], 'RUB'),
    ).not.toThrow();
  });

  it('refuses a change that takes the total or one line past it, on quantity', () => {
    expect(
      refusalOf(() => ensureShowableCartTotal([money(MAX_API_AMOUNT, 'RUB'), money(1, 'RUB')], 'RUB')),
    ).toEqual({
      code: 'BAD_USER_INPUT',
      details: { ...tooLarge.details, field: 'quantity' },
    });
    // A line beyond 2^53 (price × quantity) is refused too, not summed inexactly.
    const huge = lineTotal(money(MAX_API_AMOUNT, 'RUB'), MAX_API_AMOUNT);
    expect(refusalOf(() => ensureShowableCartTotal([huge], 'RUB')).code).toBe('BAD_USER_INPUT');
  });

  it('reads a stored cart past it as a clear BAD_USER_INPUT on that field only', () => {
    expect(readableCartAmount([money(5, 'RUB'), money(7, 'RUB')], 'RUB', 'total')).toEqual(money(12, 'RUB'));
    const error = errorOf(() =>
      readableCartAmount([money(MAX_API_AMOUNT, 'RUB'), money(1, 'RUB')], 'RUB', 'total'),
    );
    expect({ code: error.code, details: error.details }).toEqual(tooLarge);
    expect(error.message).toMatch(/cart's total is more than the largest amount/);
  });
});
