import { createTokenSigner, loadConfig, newId } from '@marketplace/platform';
import {
  errorCodes,
  graphql,
  startTestSubgraph,
  uniquePrefix,
  type GraphQLResponse,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { productSubgraph } from '../../product/src/server';
import type { CartServices } from '../src/context';
import { cartSubgraph } from '../src/server';

const CART_FIELDS = /* GraphQL */ `
  fragment CartFields on Cart {
    id
    itemCount
    total {
      amount
      currency
    }
    items {
      product {
        id
      }
      quantity
      lineTotal {
        amount
        currency
      }
    }
  }
`;
const USER_CART = /* GraphQL */ `
  query UserCart($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on User {
        id
        cart {
          ...CartFields
        }
      }
    }
  }
  ${CART_FIELDS}
`;
const CART_ENTITIES = /* GraphQL */ `
  query CartEntities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Cart {
        ...CartFields
      }
    }
  }
  ${CART_FIELDS}
`;
const ADD = /* GraphQL */ `
  mutation Add($productId: ID!, $quantity: Int!) {
    addToCart(productId: $productId, quantity: $quantity) {
      ...CartFields
    }
  }
  ${CART_FIELDS}
`;
const UPDATE = /* GraphQL */ `
  mutation Update($productId: ID!, $quantity: Int!) {
    updateCartItem(productId: $productId, quantity: $quantity) {
      ...CartFields
    }
  }
  ${CART_FIELDS}
`;
const REMOVE = /* GraphQL */ `
  mutation Remove($productId: ID!) {
    removeFromCart(productId: $productId) {
      ...CartFields
    }
  }
  ${CART_FIELDS}
`;
const CLEAR = /* GraphQL */ `
  mutation Clear {
    clearCart {
      ...CartFields
    }
  }
  ${CART_FIELDS}
`;
const CREATE_CATEGORY = /* GraphQL */ `
  mutation CreateCategory($input: CreateCategoryInput!) {
    createCategory(input: $input) {
      id
    }
  }
`;
const CREATE_PRODUCT = /* GraphQL */ `
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      id
    }
  }
`;

interface CartView {
  id: string;
  itemCount: number;
  total: { amount: number; currency: string };
  items: { product: { id: string }; quantity: number; lineTotal: { amount: number; currency: string } }[];
}

let product: TestSubgraph<unknown>;
let cart: TestSubgraph<CartServices>;
// Both services read the same (default development) secret.
const signer = createTokenSigner(loadConfig('cart').jwtSecret, '1h');
const adminToken = signer.sign({ id: newId(), role: 'ADMIN' });
const catalog: Record<'rose' | 'tulip' | 'card' | 'soldOut', string> = {
  rose: '',
  tulip: '',
  card: '',
  soldOut: '',
};

/** A new customer with an empty cart. */
function customer(): { id: string; token: string } {
  const id = newId();
  return { id, token: signer.sign({ id, role: 'CUSTOMER' }) };
}

async function createProduct(
  name: string,
  price: number,
  stock: number,
  categoryId: string,
): Promise<string> {
  const sku = `CART-${newId().slice(0, 8)}`;
  const result = await graphql<{ createProduct: { id: string } }>(
    product.url,
    CREATE_PRODUCT,
    { input: { sku, name, price, stock, categoryId } },
    adminToken,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.createProduct.id;
}

const add = (token: string | null, productId: string, quantity: number) =>
  graphql<{ addToCart: CartView }>(cart.url, ADD, { productId, quantity }, token);
const update = (token: string | null, productId: string, quantity: number) =>
  graphql<{ updateCartItem: CartView }>(cart.url, UPDATE, { productId, quantity }, token);
const remove = (token: string | null, productId: string) =>
  graphql<{ removeFromCart: CartView }>(cart.url, REMOVE, { productId }, token);
const clear = (token: string | null) => graphql<{ clearCart: CartView }>(cart.url, CLEAR, {}, token);

/** Reads a user's cart the way the gateway does for `me { cart }`. */
const readCart = (userId: string, token: string | null) =>
  graphql<{ _entities: { id: string; cart: CartView }[] }>(
    cart.url,
    USER_CART,
    { representations: [{ __typename: 'User', id: userId }] },
    token,
  );

/**
 * The statements the product subgraph ran for requests since `resetQueries()`: its outbox relay
 * and saga consumer query on their own schedule, so their statements are left out.
 */
const productRequestQueries = () =>
  product.queries.filter((sql) => !/\b(outbox|processed_events)\b/.test(sql));

const quantities = (view: CartView | undefined): Record<string, number> =>
  Object.fromEntries((view?.items ?? []).map((item) => [item.product.id, item.quantity]));

const expectOk = <T>(result: GraphQLResponse<T>): T => {
  expect(result.errors).toBeUndefined();
  return result.data!;
};

beforeAll(async () => {
  const prefix = uniquePrefix();
  product = (await startTestSubgraph(
    productSubgraph,
    prefix,
    {},
    { seedDemoData: false },
  )) as TestSubgraph<unknown>;
  // The cart reads this product subgraph through its PRODUCT_SERVICE_URL setting.
  cart = await startTestSubgraph(cartSubgraph, prefix, {}, { productServiceUrl: product.url });
  expect(product.config.jwtSecret).toBe(cart.config.jwtSecret);

  const category = expectOk(
    await graphql<{ createCategory: { id: string } }>(
      product.url,
      CREATE_CATEGORY,
      { input: { slug: 'cart-test', name: 'Cart test' } },
      adminToken,
    ),
  );
  const categoryId = category.createCategory.id;
  catalog.rose = await createProduct('Red Rose', 10000, 10, categoryId);
  catalog.tulip = await createProduct('Yellow Tulip', 2500, 3, categoryId);
  catalog.card = await createProduct('Greeting Card', 25000, 100, categoryId);
  catalog.soldOut = await createProduct('Sold-out Peony', 9900, 0, categoryId);
});
afterAll(async () => {
  await cart?.destroy();
  await product?.destroy();
});

describe('cart subgraph: filling a cart', () => {
  it('adds products, merging repeated adds, and reads back line totals, total and item count', async () => {
    const alice = customer();
    expectOk(await add(alice.token, catalog.rose, 2));
    expectOk(await add(alice.token, catalog.tulip, 1));
    const added = expectOk(await add(alice.token, catalog.rose, 1)).addToCart;

    const expected = {
      itemCount: 4,
      total: { amount: 3 * 10000 + 2500, currency: 'RUB' },
      items: [
        { product: { id: catalog.rose }, quantity: 3, lineTotal: { amount: 30000, currency: 'RUB' } },
        { product: { id: catalog.tulip }, quantity: 1, lineTotal: { amount: 2500, currency: 'RUB' } },
      ],
    };
    expect(added).toMatchObject(expected);
    const read = expectOk(await readCart(alice.id, alice.token))._entities[0];
    expect(read).toMatchObject({ id: alice.id, cart: { id: added.id, ...expected } });
  });

  it('sets, removes and clears lines', async () => {
    const bob = customer();
    expectOk(await add(bob.token, catalog.rose, 1));
    expectOk(await add(bob.token, catalog.card, 1));

    const updated = expectOk(await update(bob.token, catalog.rose, 5)).updateCartItem;
    expect(quantities(updated)).toEqual({ [catalog.rose]: 5, [catalog.card]: 1 });
    expect(updated.total.amount).toBe(5 * 10000 + 25000);

    const removed = expectOk(await remove(bob.token, catalog.rose)).removeFromCart;
    expect(quantities(removed)).toEqual({ [catalog.card]: 1 });

    const cleared = expectOk(await clear(bob.token)).clearCart;
    expect(cleared).toMatchObject({
      id: removed.id,
      items: [],
      itemCount: 0,
      total: { amount: 0, currency: 'RUB' },
    });
  });

  it('gives a new user an empty cart, the same one on every read', async () => {
    const carol = customer();
    const first = expectOk(await readCart(carol.id, carol.token))._entities[0].cart;
    expect(first).toMatchObject({ items: [], itemCount: 0, total: { amount: 0, currency: 'RUB' } });
    const second = expectOk(await readCart(carol.id, carol.token))._entities[0].cart;
    expect(second.id).toBe(first.id);
    const added = expectOk(await add(carol.token, catalog.card, 1)).addToCart;
    expect(added.id).toBe(first.id);
  });

  it('asks the product subgraph once per request, whatever the number of lines', async () => {
    const dave = customer();
    expectOk(await add(dave.token, catalog.rose, 1));
    expectOk(await add(dave.token, catalog.tulip, 1));
    expectOk(await add(dave.token, catalog.card, 1));

    product.resetQueries();
    expectOk(await readCart(dave.id, dave.token));
    // Each `_entities` call costs the product subgraph exactly one SQL statement.
    expect(productRequestQueries()).toHaveLength(1);

    product.resetQueries();
    const added = expectOk(await add(dave.token, catalog.card, 1)).addToCart;
    expect(added.items).toHaveLength(3);
    expect(productRequestQueries()).toHaveLength(1);
  });

  it('adds concurrently without losing an increment, also for a cart that does not exist yet', async () => {
    const erin = customer();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((quantity) => add(erin.token, catalog.card, quantity)),
    );
    expect(results.flatMap(errorCodes)).toEqual([]);
    const read = expectOk(await readCart(erin.id, erin.token))._entities[0].cart;
    expect(quantities(read)).toEqual({ [catalog.card]: 15 });

    const mixed = await Promise.all([
      add(erin.token, catalog.rose, 1),
      add(erin.token, catalog.tulip, 1),
      add(erin.token, catalog.rose, 1),
    ]);
    expect(mixed.flatMap(errorCodes)).toEqual([]);
    const after = expectOk(await readCart(erin.id, erin.token))._entities[0].cart;
    expect(quantities(after)).toEqual({ [catalog.card]: 15, [catalog.rose]: 2, [catalog.tulip]: 1 });
  });

  it('clears a user cart by user id for the service itself', async () => {
    const frank = customer();
    expectOk(await add(frank.token, catalog.rose, 2));
    expectOk(await add(frank.token, catalog.card, 1));

    const removed = await cart.services.carts.clearCartOfUser({ em: cart.orm.em }, frank.id);
    expect(removed).toBe(2);
    const read = expectOk(await readCart(frank.id, frank.token))._entities[0].cart;
    expect(read.items).toEqual([]);
    expect(await cart.services.carts.clearCartOfUser({ em: cart.orm.em }, newId())).toBe(0);
  });
});

describe('cart subgraph: refusals', () => {
  const user = customer();

  it.each([
    ['addToCart with quantity 0', () => add(user.token, catalog.rose, 0), 'quantity'],
    ['addToCart with a negative quantity', () => add(user.token, catalog.rose, -2), 'quantity'],
    ['addToCart with a malformed productId', () => add(user.token, 'not-an-id', 1), 'productId'],
    ['updateCartItem with quantity 0', () => update(user.token, catalog.rose, 0), 'quantity'],
    ['updateCartItem with a malformed productId', () => update(user.token, '42', 1), 'productId'],
    ['removeFromCart with a malformed productId', () => remove(user.token, 'nope'), 'productId'],
  ])('refuses %s as BAD_USER_INPUT naming the field', async (_case, call, field) => {
    const result = await call();
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });

  it('refuses an unknown product with NOT_FOUND naming it', async () => {
    const unknown = newId();
    for (const result of [await add(user.token, unknown, 1), await update(user.token, unknown, 1)]) {
      expect(errorCodes(result)).toEqual(['NOT_FOUND']);
      expect(result.errors?.[0].message).toContain(unknown);
    }
  });

  it('refuses more than the available stock, saying how many are available', async () => {
    const buyer = customer();
    const tooMany = await add(buyer.token, catalog.tulip, 4);
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors?.[0].message).toMatch(/Only 3 units of "Yellow Tulip" available/);
    expect(tooMany.errors?.[0].extensions?.field).toBe('quantity');

    expectOk(await add(buyer.token, catalog.tulip, 2));
    const beyond = await add(buyer.token, catalog.tulip, 2);
    expect(errorCodes(beyond)).toEqual(['BAD_USER_INPUT']);
    expect(beyond.errors?.[0].message).toMatch(/Only 3 units .* your cart already has 2/);
    expect(errorCodes(await update(buyer.token, catalog.tulip, 4))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await add(buyer.token, catalog.soldOut, 1))).toEqual(['BAD_USER_INPUT']);

    const unchanged = expectOk(await readCart(buyer.id, buyer.token))._entities[0].cart;
    expect(quantities(unchanged)).toEqual({ [catalog.tulip]: 2 });
  });

  it('refuses to update or remove a product that is not in the cart with NOT_FOUND', async () => {
    const buyer = customer();
    expectOk(await add(buyer.token, catalog.rose, 1));
    expect(errorCodes(await update(buyer.token, catalog.card, 1))).toEqual(['NOT_FOUND']);
    const removal = await remove(buyer.token, catalog.card);
    expect(errorCodes(removal)).toEqual(['NOT_FOUND']);
    expect(removal.errors?.[0].message).toContain(catalog.card);
  });

  it('refuses every cart mutation to anonymous callers with UNAUTHENTICATED', async () => {
    for (const result of [
      await add(null, catalog.rose, 1),
      await update(null, catalog.rose, 1),
      await remove(null, catalog.rose),
      await clear(null),
    ]) {
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('cart subgraph: entity resolution and privacy', () => {
  it("resolves User.cart for its owner and an admin, and refuses anyone else's (@key User id)", async () => {
    const owner = customer();
    const other = customer();
    expectOk(await add(owner.token, catalog.rose, 1));

    expect(quantities(expectOk(await readCart(owner.id, owner.token))._entities[0].cart)).toEqual({
      [catalog.rose]: 1,
    });
    expect(quantities(expectOk(await readCart(owner.id, adminToken))._entities[0].cart)).toEqual({
      [catalog.rose]: 1,
    });
    const foreign = await readCart(owner.id, other.token);
    expect(errorCodes(foreign)).toEqual(['FORBIDDEN']);
    expect(foreign.data?._entities?.[0] ?? null).toBeNull();
    expect(errorCodes(await readCart(owner.id, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('resolves a Cart by id for its owner and refuses anyone else (@key Cart id)', async () => {
    const owner = customer();
    const other = customer();
    const cartId = expectOk(await add(owner.token, catalog.card, 2)).addToCart.id;
    const representations = [
      { __typename: 'Cart', id: cartId },
      { __typename: 'Cart', id: newId() },
    ];

    const own = expectOk(
      await graphql<{ _entities: (CartView | null)[] }>(
        cart.url,
        CART_ENTITIES,
        { representations },
        owner.token,
      ),
    );
    expect(own._entities[0]).toMatchObject({ id: cartId, itemCount: 2, total: { amount: 50000 } });
    expect(own._entities[1]).toBeNull();

    const foreign = await graphql(cart.url, CART_ENTITIES, { representations }, other.token);
    expect(errorCodes(foreign)).toContain('FORBIDDEN');
    expect(JSON.stringify(foreign.data ?? {})).not.toContain(catalog.card);
    expect(errorCodes(await graphql(cart.url, CART_ENTITIES, { representations }))).toContain(
      'UNAUTHENTICATED',
    );

    const byAdmin = expectOk(
      await graphql<{ _entities: (CartView | null)[] }>(
        cart.url,
        CART_ENTITIES,
        { representations },
        adminToken,
      ),
    );
    expect(byAdmin._entities.map((entity) => entity?.id ?? null)).toEqual([cartId, null]);
  });
});

describe('cart subgraph: schema', () => {
  it('keeps the database schema in step with the entities', async () => {
    const diff = await cart.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });
});
