import type { ServiceClient } from '@marketplace/platform';
import type { CartLine } from '../domain/checkout-snapshot';

const USER_CART = /* GraphQL */ `
  query CheckoutCart($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on User {
        cart {
          items {
            quantity
            product {
              id
            }
          }
        }
      }
    }
  }
`;

interface UserCartData {
  _entities: ({ cart: { items: { quantity: number; product: { id: string } }[] } } | null)[];
}

/**
 * Reads a user's cart from the cart subgraph as that user (the caller's `Authorization` is
 * forwarded, so the cart subgraph applies its own owner check).
 */
export class CartClient {
  /** @param client the cart subgraph (`CART_SERVICE_URL`). */
  constructor(private readonly client: ServiceClient) {}

  async cartLines(userId: string, authorization: string | null, signal?: AbortSignal): Promise<CartLine[]> {
    const data = await this.client.request<UserCartData>(
      USER_CART,
      { representations: [{ __typename: 'User', id: userId }] },
      authorization,
      signal,
    );
    const user = data._entities[0];
    if (!user) throw new Error(`cart service resolved no cart for user ${userId}`);
    return user.cart.items.map((item) => ({ productId: item.product.id, quantity: item.quantity }));
  }
}
