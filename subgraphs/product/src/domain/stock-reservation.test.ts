import { newId } from '@marketplace/platform';
import {
  decideReservation,
  MalformedOrderEventError,
  normalizeOrderLines,
  productIdsToLock,
  type StockLevel,
} from './stock-reservation';

const rose = newId();
const tulip = newId();

describe('normalizeOrderLines', () => {
  it('merges repeated products and lower-cases ids, ignoring other payload fields', () => {
    expect(
      normalizeOrderLines([
        { productId: rose.toUpperCase(), quantity: 2, unitPrice: 100 },
        { productId: tulip, quantity: 1, unitPrice: 50 },
        { productId: rose, quantity: 3, unitPrice: 100 },
      ]),
    ).toEqual([
      { productId: rose, quantity: 5 },
      { productId: tulip, quantity: 1 },
    ]);
  });

  it('keeps an id that is not a UUID, so the order fails as UNKNOWN_PRODUCT instead of vanishing', () => {
    expect(normalizeOrderLines([{ productId: 'no-such-product', quantity: 1 }])).toEqual([
      { productId: 'no-such-product', quantity: 1 },
    ]);
  });

  it.each([
    ['no lines', []],
    ['lines that are not a list', { productId: rose, quantity: 1 }],
    ['a zero quantity', [{ productId: rose, quantity: 0 }]],
    ['a fractional quantity', [{ productId: rose, quantity: 1.5 }]],
    ['a missing product id', [{ quantity: 1 }]],
    ['a null line', [null]],
  ])('refuses an order with %s as malformed', (_case, items) => {
    expect(() => normalizeOrderLines(items)).toThrow(MalformedOrderEventError);
  });
});

describe('productIdsToLock', () => {
  it('lists each existing-looking product once, sorted, so every transaction locks in one order', () => {
    const [first, second] = [rose, tulip].sort();
    expect(
      productIdsToLock([
        { productId: second, quantity: 1 },
        { productId: 'not-a-uuid', quantity: 1 },
        { productId: first, quantity: 2 },
      ]),
    ).toEqual([first, second]);
  });
});

describe('decideReservation', () => {
  const levels = (entries: [string, StockLevel][]) => new Map(entries);

  it('reserves when every line fits, up to the last available unit', () => {
    const lines = [
      { productId: rose, quantity: 3 },
      { productId: tulip, quantity: 1 },
    ];
    expect(
      decideReservation(
        lines,
        levels([
          [rose, { onHand: 5, reserved: 2 }],
          [tulip, { onHand: 1, reserved: 0 }],
        ]),
      ),
    ).toEqual({ reserved: true, lines });
  });

  it('reserves nothing when one line is short, listing what is available', () => {
    expect(
      decideReservation(
        [
          { productId: rose, quantity: 1 },
          { productId: tulip, quantity: 4 },
        ],
        levels([
          [rose, { onHand: 9, reserved: 0 }],
          [tulip, { onHand: 5, reserved: 2 }],
        ]),
      ),
    ).toEqual({
      reserved: false,
      reason: 'OUT_OF_STOCK',
      unavailable: [{ productId: tulip, requested: 4, available: 3 }],
    });
  });

  it('names UNKNOWN_PRODUCT when any product does not exist, listing every failing line', () => {
    const ghost = newId();
    expect(
      decideReservation(
        [
          { productId: ghost, quantity: 1 },
          { productId: rose, quantity: 2 },
        ],
        levels([[rose, { onHand: 1, reserved: 0 }]]),
      ),
    ).toEqual({
      reserved: false,
      reason: 'UNKNOWN_PRODUCT',
      unavailable: [
        { productId: ghost, requested: 1, available: 0 },
        { productId: rose, requested: 2, available: 1 },
      ],
    });
  });
});
