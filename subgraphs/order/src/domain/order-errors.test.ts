import { DomainError } from '@marketplace/platform';
import { cartEmpty, productUnavailable } from './order-errors';

describe('checkout refusals', () => {
  it('are domain errors with the reason clients branch on', () => {
    const empty = cartEmpty();
    expect(empty).toBeInstanceOf(DomainError);
    expect(empty).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Your cart is empty',
      details: { field: 'cart', reason: 'CART_EMPTY' },
    });
  });

  it('name the product that is no longer available', () => {
    const productId = '0b7a2f53-52a4-4b8e-9e36-4a1f7a0c9d11';
    expect(productUnavailable(productId)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: `Product ${productId} in your cart is no longer available; remove it and try again`,
      details: { field: 'cart', reason: 'PRODUCT_UNAVAILABLE', productId },
    });
  });
});
