import { request } from 'node:http';
import { createTokenSigner, newId } from '@marketplace/platform';
import {
  errorCodes,
  eventually,
  graphql,
  startStubServer,
  startTestSubgraph,
  within,
  type StubBehaviour,
  type StubServer,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { CartServices } from '../src/context';
import { cartSubgraph } from '../src/server';

const ADD = /* GraphQL */ `
  mutation Add($productId: ID!) {
    addToCart(productId: $productId, quantity: 1) {
      itemCount
    }
  }
`;
const USER_CART = /* GraphQL */ `
  query UserCart($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on User {
        cart {
          total {
            amount
          }
        }
      }
    }
  }
`;

/** The product subgraph as cart sees it: every product costs 100 and has stock. */
const catalog: StubBehaviour = ({ variables }) => ({
  body: {
    data: {
      _entities: (variables.representations as { id: string }[]).map(({ id }) => ({
        id,
        name: 'Rose',
        price: { amount: 100, currency: 'RUB' },
        stock: { available: 10 },
      })),
    },
  },
});

let product: StubServer;
let cart: TestSubgraph<CartServices>;
const userId = newId();
let token: string;

beforeAll(async () => {
  product = await startStubServer(catalog);
  cart = await startTestSubgraph(
    cartSubgraph,
    undefined,
    // Long enough that only the caller's disconnect can end a hanging call within the test.
    { serviceTimeoutMs: 30_000, serviceRetryAttempts: 2, circuitBreakerFailures: 100 },
    { productServiceUrl: product.url },
  );
  token = createTokenSigner(cart.config.jwtSecret, '1h').sign({ id: userId, role: 'CUSTOMER' });
  const added = await graphql(cart.url, ADD, { productId: newId() }, token);
  expect(added.errors).toBeUndefined();
});

afterAll(async () => {
  await product.close();
  await cart.destroy();
});

describe('cart → product calls', () => {
  it('abandons the product call when the client of cart disconnects', async () => {
    product.behave(() => 'hang');
    const before = product.requests.length;
    const client = request(cart.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    client.on('error', () => undefined);
    client.end(
      JSON.stringify({
        query: USER_CART,
        variables: { representations: [{ __typename: 'User', id: userId }] },
      }),
    );
    await eventually(() => product.requests.length > before, {
      timeoutMs: 5_000,
      message: 'the product call',
    });

    client.destroy();

    await within(product.requests[before].abandoned, 5_000, 'the product call to be abandoned');
    expect(product.requests).toHaveLength(before + 1);
  });

  it('answers SERVICE_UNAVAILABLE, not an internal error, when product keeps failing', async () => {
    product.behave(() => ({ status: 503, body: { errors: [{ message: 'overloaded' }] } }));
    const before = product.requests.length;

    const response = await graphql(
      cart.url,
      USER_CART,
      { representations: [{ __typename: 'User', id: userId }] },
      token,
    );

    expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(JSON.stringify(response)).not.toMatch(/127\.0\.0\.1|overloaded/);
    // A read: tried twice.
    expect(product.requests).toHaveLength(before + 2);
  });
});
