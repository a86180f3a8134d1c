import { newId } from '@marketplace/platform';
import { orderedProductIds } from './ordered-products';

describe('orderedProductIds', () => {
  it('lists each ordered product once, lower-case', () => {
    const rose = newId();
    const tulip = newId();
    expect(
      orderedProductIds([
        { productId: rose.toUpperCase(), quantity: 1 },
        { productId: tulip, quantity: 2 },
        { productId: rose, quantity: 1 },
      ]),
    ).toEqual([rose, tulip]);
  });

  it('drops ids that cannot be in a cart, and reads a payload without lines as no products', () => {
    expect(orderedProductIds([{ productId: 'not-an-id' }, { productId: 42 }, null])).toEqual([]);
    expect(orderedProductIds(undefined)).toEqual([]);
  });
});
