import { DomainError } from '@marketplace/platform';
import { validateNewProduct, validateRestockQuantity, type NewProductFields } from './product-input';
import { validateNewCategory } from './category-input';

const valid: NewProductFields = {
  sku: ' bqt-001 ',
  name: '  Spring Meadow ',
  description: null,
  price: 349000,
  categoryId: '0B5C7C1E-6A0A-4F7E-9A51-1F6F5B7E2F10',
  stock: 0,
};

/** The code and details of the DomainError `action` throws. */
const refusalOf = (action: () => unknown): { code: string; details: unknown } => {
  try {
    action();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
  throw new Error('expected an error');
};

describe('validateNewProduct', () => {
  it('normalises sku, name, description and category id', () => {
    expect(validateNewProduct(valid)).toEqual({
      sku: 'BQT-001',
      name: 'Spring Meadow',
      description: '',
      price: 349000,
      categoryId: '0b5c7c1e-6a0a-4f7e-9a51-1f6f5b7e2f10',
      stock: 0,
    });
  });

  it.each([
    [{ sku: '' }, 'sku'],
    [{ sku: '-leading-dash' }, 'sku'],
    [{ sku: 'x'.repeat(65) }, 'sku'],
    [{ name: ' ' }, 'name'],
    [{ name: 'n'.repeat(201) }, 'name'],
    [{ description: 'd'.repeat(5001) }, 'description'],
    [{ price: -1 }, 'price'],
    [{ price: 1.5 }, 'price'],
    [{ stock: -1 }, 'stock'],
    [{ categoryId: 'category' }, 'categoryId'],
  ])('refuses %p naming %s', (override, field) => {
    expect(refusalOf(() => validateNewProduct({ ...valid, ...override }))).toEqual({
      code: 'BAD_USER_INPUT',
      details: { field },
    });
  });
});

describe('validateRestockQuantity', () => {
  it('accepts a positive integer', () => {
    expect(validateRestockQuantity(12)).toBe(12);
  });

  it.each([0, -1, 1.5])('refuses %p', (quantity) => {
    expect(refusalOf(() => validateRestockQuantity(quantity))).toEqual({
      code: 'BAD_USER_INPUT',
      details: { field: 'quantity' },
    });
  });
});

describe('validateNewCategory', () => {
  it('normalises the slug to lower case', () => {
    expect(validateNewCategory({ slug: ' Gift-Baskets ', name: ' Gifts ' })).toEqual({
      slug: 'gift-baskets',
      name: 'Gifts',
      description: '',
    });
  });

  it.each([
    [{ slug: 'two words', name: 'X' }, 'slug'],
    [{ slug: 'trailing-', name: 'X' }, 'slug'],
    [{ slug: 'ok', name: '' }, 'name'],
  ])('refuses %p naming %s', (input, field) => {
    expect(refusalOf(() => validateNewCategory(input))).toEqual({
      code: 'BAD_USER_INPUT',
      details: { field },
    });
  });
});
