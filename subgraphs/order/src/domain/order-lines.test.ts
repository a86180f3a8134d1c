import { DomainError } from '@marketplace/platform';
import { lineTotal, orderTotal, validateNewOrder, type NewOrderFields, type OrderLine } from './order-lines';

const ROSES: OrderLine = {
  productId: '0B7A2F53-52A4-4B8E-9E36-4A1F7A0C9D11',
  productName: '  Roses ',
  quantity: 3,
  unitPriceAmount: 15_000,
};
const TULIPS: OrderLine = {
  productId: '9c1e7d2a-1f7b-4c1e-8d6a-2b9e0f4a7c22',
  productName: 'Tulips',
  quantity: 2,
  unitPriceAmount: 9_950,
};
const valid: NewOrderFields = {
  shippingAddress: ' Moscow, Tverskaya 1 ',
  idempotencyKey: 'k-1',
  lines: [ROSES],
};

function fieldOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('BAD_USER_INPUT');
    return (error as DomainError).details.field;
  }
  throw new Error('expected a BAD_USER_INPUT error');
}

describe('validateNewOrder', () => {
  it('trims the address and product names and lower-cases product ids', () => {
    expect(validateNewOrder(valid)).toEqual({
      shippingAddress: 'Moscow, Tverskaya 1',
      idempotencyKey: 'k-1',
      lines: [{ ...ROSES, productId: ROSES.productId.toLowerCase(), productName: 'Roses' }],
    });
  });

  it('treats a missing idempotency key as none', () => {
    expect(validateNewOrder({ ...valid, idempotencyKey: undefined }).idempotencyKey).toBeNull();
  });

  it.each([
    ['a blank address', { ...valid, shippingAddress: '   ' }, 'shippingAddress'],
    ['an oversized address', { ...valid, shippingAddress: 'x'.repeat(501) }, 'shippingAddress'],
    ['an empty idempotency key', { ...valid, idempotencyKey: '' }, 'idempotencyKey'],
    ['an oversized idempotency key', { ...valid, idempotencyKey: 'k'.repeat(101) }, 'idempotencyKey'],
    ['no items', { ...valid, lines: [] }, 'items'],
    [
      'a repeated product',
      { ...valid, lines: [ROSES, { ...ROSES, productId: ROSES.productId.toLowerCase() }] },
      'items',
    ],
    ['a malformed product id', { ...valid, lines: [TULIPS, { ...ROSES, productId: 'rose' }] }, 'items[1]'],
    ['a blank product name', { ...valid, lines: [{ ...ROSES, productName: ' ' }] }, 'items[0]'],
    ['a zero quantity', { ...valid, lines: [{ ...ROSES, quantity: 0 }] }, 'items[0]'],
    ['a fractional quantity', { ...valid, lines: [{ ...ROSES, quantity: 1.5 }] }, 'items[0]'],
    ['a negative unit price', { ...valid, lines: [{ ...ROSES, unitPriceAmount: -1 }] }, 'items[0]'],
    ['a fractional unit price', { ...valid, lines: [{ ...ROSES, unitPriceAmount: 0.5 }] }, 'items[0]'],
  ])('refuses %s', (_case, fields, field) => {
    expect(fieldOf(() => validateNewOrder(fields))).toBe(field);
  });

  it('accepts a free item', () => {
    expect(
      validateNewOrder({ ...valid, lines: [{ ...ROSES, unitPriceAmount: 0 }] }).lines[0].unitPriceAmount,
    ).toBe(0);
  });
});

describe('order pricing', () => {
  it('multiplies unit price by quantity per line and sums the lines', () => {
    expect(lineTotal(ROSES, 'RUB')).toEqual({ amount: 45_000, currency: 'RUB' });
    expect(orderTotal([ROSES, TULIPS], 'RUB')).toEqual({ amount: 64_900, currency: 'RUB' });
  });

  it('refuses a total that does not fit the database column', () => {
    const expensive = { ...ROSES, quantity: 10_000, unitPriceAmount: 1_000_000 };
    expect(fieldOf(() => orderTotal([expensive], 'RUB'))).toBe('items');
  });
});
