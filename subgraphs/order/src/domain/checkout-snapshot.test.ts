import { DomainError } from '@marketplace/platform';
import { snapshotCart, type CatalogProduct } from './checkout-snapshot';

const ROSES = '0b7a2f53-52a4-4b8e-9e36-4a1f7a0c9d11';
const TULIPS = '9c1e7d2a-1f7b-4c1e-8d6a-2b9e0f4a7c22';

const catalog = (...products: CatalogProduct[]) =>
  new Map(products.map((product) => [product.id.toLowerCase(), product]));
const roses: CatalogProduct = { id: ROSES, name: 'Red roses', price: { amount: 15_000, currency: 'RUB' } };
const tulips: CatalogProduct = { id: TULIPS, name: 'Tulips', price: { amount: 9_950, currency: 'RUB' } };

describe('snapshotCart', () => {
  it("takes each line's current name and unit price from the catalog", () => {
    const lines = snapshotCart(
      [
        { productId: ROSES, quantity: 3 },
        { productId: TULIPS.toUpperCase(), quantity: 2 },
      ],
      catalog(roses, tulips),
      'RUB',
    );
    expect(lines).toEqual([
      { productId: ROSES, productName: 'Red roses', quantity: 3, unitPriceAmount: 15_000 },
      { productId: TULIPS, productName: 'Tulips', quantity: 2, unitPriceAmount: 9_950 },
    ]);
  });

  it('refuses an empty cart with reason CART_EMPTY', () => {
    expect(() => snapshotCart([], catalog(roses), 'RUB')).toThrow(
      expect.objectContaining({
        message: 'Your cart is empty',
        code: 'BAD_USER_INPUT',
        details: expect.objectContaining({ reason: 'CART_EMPTY' }),
      }),
    );
  });

  it('names a product the catalog no longer has', () => {
    expect(() =>
      snapshotCart(
        [
          { productId: ROSES, quantity: 1 },
          { productId: TULIPS, quantity: 1 },
        ],
        catalog(roses),
        'RUB',
      ),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringContaining(TULIPS),
        code: 'BAD_USER_INPUT',
        details: expect.objectContaining({
          reason: 'PRODUCT_UNAVAILABLE',
          productId: TULIPS,
        }),
      }),
    );
  });

  it('treats a price in another currency as a server fault, not a client error', () => {
    const dollars = { ...roses, price: { amount: 100, currency: 'USD' } };
    let thrown: unknown;
    try {
      snapshotCart([{ productId: ROSES, quantity: 1 }], catalog(dollars), 'RUB');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(DomainError);
  });
});
