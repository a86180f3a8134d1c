import { createTokenSigner, MAX_API_AMOUNT, newId } from '@marketplace/platform';
import {
  errorCodes,
  graphql,
  startTestSubgraph,
  uniquePrefix,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { productSubgraph } from '../../product/src/server';
import type { CartServices } from '../src/context';
import { cartSubgraph } from '../src/server';

/**
 * Money amounts are GraphQL `Int`: a cart may not come to more than the API can show. A change
 * that would pass it is refused before anything is stored, and a cart that passed it before (an
 * old cart, or prices that rose) stays readable: only its total is an error.
 */
const CART = 'id itemCount items { product { id } quantity } total { amount }';
const ADD = `mutation ($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { ${CART} } }`;
const UPDATE = `mutation ($p: ID!, $q: Int!) { updateCartItem(productId: $p, quantity: $q) { ${CART} } }`;
const REMOVE = `mutation ($p: ID!) { removeFromCart(productId: $p) { ${CART} } }`;
const readCart = (selection: string) => `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { cart { ${selection} } } }
}`;

interface CartView {
  itemCount: number;
  items: { product: { id: string }; quantity: number }[];
  total: { amount: number };
}

let product: TestSubgraph<unknown>;
let cart: TestSubgraph<CartServices>;
let sign: (id: string, role?: 'CUSTOMER' | 'ADMIN') => string;
/** 1 500 000 000 and 700 000 000 minor units: one of each fits an Int, two do not. */
const expensive = { id: '', price: 1_500_000_000 };
const pricey = { id: '', price: 700_000_000 };

beforeAll(async () => {
  const prefix = uniquePrefix();
  product = (await startTestSubgraph(
    productSubgraph,
    prefix,
    {},
    { seedDemoData: false },
  )) as TestSubgraph<unknown>;
  cart = await startTestSubgraph(cartSubgraph, prefix, {}, { productServiceUrl: product.url });
  const signer = createTokenSigner(cart.config.jwtSecret, '1h');
  sign = (id, role = 'CUSTOMER') => signer.sign({ id, role });
  const admin = sign(newId(), 'ADMIN');
  const category = await graphql<{ createCategory: { id: string } }>(
    product.url,
    'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }',
    { input: { slug: 'amount-limit', name: 'Amount limit' } },
    admin,
  );
  for (const item of [expensive, pricey]) {
    const created = await graphql<{ createProduct: { id: string } }>(
      product.url,
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      {
        input: {
          sku: `LIMIT-${newId().slice(0, 8)}`,
          name: `Diamond bouquet ${item.price}`,
          price: item.price,
          stock: 5,
          categoryId: category.data!.createCategory.id,
        },
      },
      admin,
    );
    expect(created.errors).toBeUndefined();
    item.id = created.data!.createProduct.id;
  }
}, 60_000);
afterAll(async () => {
  await cart?.destroy();
  await product?.destroy();
});

function customer() {
  const id = newId();
  const token = sign(id);
  const read = async (selection = CART) => {
    const result = await graphql<{ _entities: { cart: CartView }[] }>(
      cart.url,
      readCart(selection),
      { representations: [{ __typename: 'User', id }] },
      token,
    );
    return { ...result, cart: result.data?._entities[0]?.cart };
  };
  const mutate = (query: string, variables: Record<string, unknown>) =>
    graphql(cart.url, query, variables, token);
  return { id, token, read, mutate };
}

const expectTooLarge = (result: Awaited<ReturnType<typeof graphql>>) => {
  expect(result.status).toBeLessThan(500);
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors?.[0].extensions).toMatchObject({ reason: 'AMOUNT_TOO_LARGE', max: MAX_API_AMOUNT });
};

it('refuses an addToCart that would take the total past the largest Int, and the cart stays readable', async () => {
  const buyer = customer();
  expect((await buyer.mutate(ADD, { p: expensive.id, q: 1 })).errors).toBeUndefined();

  expectTooLarge(await buyer.mutate(ADD, { p: pricey.id, q: 1 }));
  expectTooLarge(await buyer.mutate(ADD, { p: expensive.id, q: 1 }));

  const after = await buyer.read();
  expect(after.errors).toBeUndefined();
  expect(after.cart).toEqual({
    id: expect.any(String),
    itemCount: 1,
    items: [{ product: { id: expensive.id }, quantity: 1 }],
    total: { amount: expensive.price },
  });
});

it('refuses an updateCartItem that would take the total past the largest Int, storing nothing', async () => {
  const buyer = customer();
  expect((await buyer.mutate(ADD, { p: pricey.id, q: 1 })).errors).toBeUndefined();
  expect((await buyer.mutate(UPDATE, { p: pricey.id, q: 3 })).errors).toBeUndefined();
  expectTooLarge(await buyer.mutate(UPDATE, { p: pricey.id, q: 4 }));
  const after = await buyer.read();
  expect(after.errors).toBeUndefined();
  expect(after.cart?.items).toEqual([{ product: { id: pricey.id }, quantity: 3 }]);
  expect(after.cart?.total).toEqual({ amount: 3 * pricey.price });
});

it('keeps a cart stored past the limit readable: its lines read, its total is a clear error, it can be fixed', async () => {
  const buyer = customer();
  // A cart saved before totals were checked: 5 × 1 500 000 000.
  const cartId = newId();
  const connection = cart.orm.em.getConnection();
  await connection.execute('insert into carts (id, user_id) values (?, ?)', [cartId, buyer.id]);
  await connection.execute('insert into cart_items (id, cart_id, product_id, quantity) values (?, ?, ?, 5)', [
    newId(),
    cartId,
    expensive.id,
  ]);

  const lines = await buyer.read('itemCount items { product { id } quantity }');
  expect(lines.errors).toBeUndefined();
  expect(lines.cart).toEqual({ itemCount: 5, items: [{ product: { id: expensive.id }, quantity: 5 }] });
  expectTooLarge(await buyer.read());
  expectTooLarge(await buyer.read('items { lineTotal { amount } }'));

  const reduced = await buyer.mutate(UPDATE, { p: expensive.id, q: 1 });
  expect(reduced.errors).toBeUndefined();
  expect((await buyer.read()).cart?.total).toEqual({ amount: expensive.price });
  expect((await buyer.mutate(REMOVE, { p: expensive.id })).errors).toBeUndefined();
});
