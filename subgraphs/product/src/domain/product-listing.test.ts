import { DomainError, encodeCursor } from '@marketplace/platform';
import {
  decodeProductCursor,
  escapeLike,
  productCursor,
  validateProductFilter,
  type SortableProduct,
} from './product-listing';

const product: SortableProduct = {
  id: '0b5c7c1e-6a0a-4f7e-9a51-1f6f5b7e2f10',
  name: 'Peony Cloud',
  priceAmount: 689000,
  createdAt: new Date('2026-11-21T10:15:30.123Z'),
};

/** The code and details of the DomainError `action` throws. */
const refusalOf = (action: () => unknown): { code: string; details: unknown } => {
  try {
    action();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
  throw new Error('expected a BAD_USER_INPUT error');
};

describe('escapeLike', () => {
  it('escapes LIKE wildcards and the escape character itself', () => {
    expect(escapeLike('100%_off\\x')).toBe('100\\%\\_off\\\\x');
    expect(escapeLike('plain text')).toBe('plain text');
  });
});

describe('validateProductFilter', () => {
  it('accepts no filter', () => {
    expect(validateProductFilter(null)).toEqual({
      namePattern: null,
      categoryId: null,
      categorySlug: null,
      minPrice: null,
      maxPrice: null,
      inStock: null,
    });
  });

  it('turns the search into an escaped substring pattern and normalises ids and slugs', () => {
    const valid = validateProductFilter({
      search: '  50%  ',
      categoryId: product.id.toUpperCase(),
      categorySlug: ' Roses ',
      minPrice: 0,
      maxPrice: 0,
      inStock: false,
    });
    expect(valid).toEqual({
      namePattern: '%50\\%%',
      categoryId: product.id,
      categorySlug: 'roses',
      minPrice: 0,
      maxPrice: 0,
      inStock: false,
    });
  });

  it('ignores a blank search', () => {
    expect(validateProductFilter({ search: '   ' }).namePattern).toBeNull();
  });

  it.each([
    [{ minPrice: -1 }, 'minPrice'],
    [{ maxPrice: -1 }, 'maxPrice'],
    [{ minPrice: 10, maxPrice: 9 }, 'maxPrice'],
    [{ categoryId: 'nope' }, 'categoryId'],
    [{ search: 'x'.repeat(101) }, 'search'],
  ])('refuses %p naming %s', (filter, field) => {
    expect(refusalOf(() => validateProductFilter(filter))).toEqual({
      code: 'BAD_USER_INPUT',
      details: { field },
    });
  });
});

describe('product cursors', () => {
  it.each(['NAME_ASC', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'] as const)('round-trips a %s cursor', (sort) => {
    const decoded = decodeProductCursor(productCursor(sort, product), sort);
    expect(decoded?.id).toBe(product.id);
  });

  it('keeps the millisecond creation time in a NEWEST cursor', () => {
    expect(decodeProductCursor(productCursor('NEWEST', product), 'NEWEST')?.key).toBe(
      '2026-11-21T10:15:30.123Z',
    );
  });

  it('treats a missing cursor as the first page', () => {
    expect(decodeProductCursor(null, 'NAME_ASC')).toBeNull();
  });

  it.each([
    ['a cursor of another sort order', productCursor('NAME_ASC', product), 'PRICE_ASC'],
    ['a text key for a price order', encodeCursor(['PRICE_ASC', 'cheap', product.id]), 'PRICE_ASC'],
    ['an invalid date', encodeCursor(['NEWEST', 'yesterday', product.id]), 'NEWEST'],
    ['a date the database cannot read', encodeCursor(['NEWEST', '1', product.id]), 'NEWEST'],
    ['a year zero', encodeCursor(['NEWEST', '0000-01-01T00:00:00.000Z', product.id]), 'NEWEST'],
    ['a price past the int column', encodeCursor(['PRICE_ASC', 2 ** 40, product.id]), 'PRICE_ASC'],
    ['a malformed id', encodeCursor(['NAME_ASC', 'Rose', '42']), 'NAME_ASC'],
    ['garbage', 'not base64 json', 'NAME_ASC'],
  ] as const)('refuses %s', (_case, cursor, sort) => {
    expect(refusalOf(() => decodeProductCursor(cursor, sort))).toEqual({
      code: 'BAD_USER_INPUT',
      details: { field: 'after' },
    });
  });
});
