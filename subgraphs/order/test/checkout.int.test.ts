import { randomUUID } from 'node:crypto';
import { createTokenSigner, type IntegrationEvent, type Role } from '@marketplace/platform';
import {
  errorCodes,
  graphql,
  startTestSubgraph,
  type GraphQLResponse,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { cartSubgraph } from '../../cart/src/server';
import { productSubgraph } from '../../product/src/server';
import type { OrderServices } from '../src/context';
import { orderSubgraph } from '../src/server';

const CHECKOUT = /* GraphQL */ `
  mutation Checkout($input: CheckoutInput!) {
    checkout(input: $input) {
      id
      status
      shippingAddress
      total {
        amount
        currency
      }
      items {
        product {
          id
        }
        productName
        quantity
        unitPrice {
          amount
          currency
        }
        lineTotal {
          amount
          currency
        }
      }
      statusHistory {
        status
        previousStatus
      }
    }
  }
`;
const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) {
      total {
        amount
      }
      items {
        productName
        unitPrice {
          amount
        }
      }
    }
  }
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
const ADD_TO_CART = /* GraphQL */ `
  mutation AddToCart($productId: ID!, $quantity: Int!) {
    addToCart(productId: $productId, quantity: $quantity) {
      itemCount
    }
  }
`;
const CLEAR_CART = /* GraphQL */ `
  mutation ClearCart {
    clearCart {
      itemCount
    }
  }
`;

interface CheckedOutOrder {
  id: string;
  status: string;
  shippingAddress: string;
  total: { amount: number; currency: string };
  items: {
    product: { id: string };
    productName: string;
    quantity: number;
    unitPrice: { amount: number; currency: string };
    lineTotal: { amount: number; currency: string };
  }[];
  statusHistory: { status: string; previousStatus: string | null }[];
}

let product: TestSubgraph<unknown>;
let cart: TestSubgraph<unknown>;
let order: TestSubgraph<OrderServices>;
let tokenFor: (userId: string, role?: Role) => string;
let roses: string;
let tulips: string;

beforeAll(async () => {
  process.env.SEED_DEMO_DATA = 'false';
  product = await startTestSubgraph(productSubgraph);
  process.env.PRODUCT_SERVICE_URL = product.url;
  cart = await startTestSubgraph(cartSubgraph);
  order = await startTestSubgraph(
    orderSubgraph,
    undefined,
    {},
    {
      expirySweepMs: 0,
      cartServiceUrl: cart.url,
      productServiceUrl: product.url,
    },
  );
  const signer = createTokenSigner(order.config.jwtSecret, '1h');
  tokenFor = (userId, role = 'CUSTOMER') => signer.sign({ id: userId, role });

  const admin = tokenFor(randomUUID(), 'ADMIN');
  const category = await graphql<{ createCategory: { id: string } }>(
    product.url,
    CREATE_CATEGORY,
    { input: { slug: 'bouquets', name: 'Bouquets' } },
    admin,
  );
  const create = async (sku: string, name: string, price: number) => {
    const result = await graphql<{ createProduct: { id: string } }>(
      product.url,
      CREATE_PRODUCT,
      { input: { sku, name, price, categoryId: category.data!.createCategory.id, stock: 100 } },
      admin,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.createProduct.id;
  };
  roses = await create('ROSES-RED-11', 'Red roses', 15_000);
  tulips = await create('TULIPS-5', 'Tulips', 9_950);
});
afterAll(async () => {
  await order?.destroy();
  await cart?.destroy();
  await product?.destroy();
});

async function fillCart(token: string, lines: [string, number][]) {
  for (const [productId, quantity] of lines) {
    const result = await graphql(cart.url, ADD_TO_CART, { productId, quantity }, token);
    expect(result.errors).toBeUndefined();
  }
}

const checkout = (token: string | null, input: Record<string, unknown>) =>
  graphql<{ checkout: CheckedOutOrder }>(order.url, CHECKOUT, { input }, token);

const outbox = (orderId: string) =>
  order.orm.em
    .getConnection()
    .execute<{ type: string; payload: IntegrationEvent }[]>(
      'select type, payload from outbox where message_key = ? order by position',
      [orderId],
    );

const outboxOfBuyer = (userId: string) =>
  order.orm.em
    .getConnection()
    .execute<{ message_key: string; type: string }[]>(
      `select message_key, type from outbox where payload->'payload'->>'userId' = ? order by position`,
      [userId],
    );

const ordersOf = async (userId: string) =>
  (
    await order.orm.em
      .getConnection()
      .execute<{ id: string }[]>('select id from orders where user_id = ?', [userId])
  ).map((row) => row.id);

const reasonOf = (result: GraphQLResponse<unknown>) => result.errors?.[0].extensions?.reason;

describe('checkout', () => {
  it("places a PENDING order with the cart's lines at the current names and prices", async () => {
    const userId = randomUUID();
    const token = tokenFor(userId);
    await fillCart(token, [
      [roses, 3],
      [tulips, 2],
    ]);

    const result = await checkout(token, {
      idempotencyKey: randomUUID(),
      shippingAddress: '  Kazan, Baumana 5 ',
    });

    expect(result.errors).toBeUndefined();
    const placed = result.data!.checkout;
    expect(placed).toMatchObject({
      status: 'PENDING',
      shippingAddress: 'Kazan, Baumana 5',
      total: { amount: 3 * 15_000 + 2 * 9_950, currency: 'RUB' },
      statusHistory: [{ status: 'PENDING', previousStatus: null }],
    });
    expect(placed.items).toEqual([
      {
        product: { id: roses },
        productName: 'Red roses',
        quantity: 3,
        unitPrice: { amount: 15_000, currency: 'RUB' },
        lineTotal: { amount: 45_000, currency: 'RUB' },
      },
      {
        product: { id: tulips },
        productName: 'Tulips',
        quantity: 2,
        unitPrice: { amount: 9_950, currency: 'RUB' },
        lineTotal: { amount: 19_900, currency: 'RUB' },
      },
    ]);
    const events = await outbox(placed.id);
    expect(events.map((row) => [row.type, row.payload.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderStatusChanged', 1],
    ]);
    expect(events[0].payload.payload).toEqual({
      userId,
      // In cart order: lines in the order they were first added.
      items: [
        { productId: roses, quantity: 3, unitPrice: 15_000 },
        { productId: tulips, quantity: 2, unitPrice: 9_950 },
      ],
      total: { amount: 64_900, currency: 'RUB' },
      shippingAddress: 'Kazan, Baumana 5',
    });
  });

  it('keeps the snapshot when the catalog price and name change later', async () => {
    const token = tokenFor(randomUUID());
    await fillCart(token, [[tulips, 1]]);
    const placed = (await checkout(token, { idempotencyKey: randomUUID(), shippingAddress: 'Moscow' })).data!
      .checkout;

    await product.orm.em
      .getConnection()
      .execute("update products set price_amount = 99999, name = 'Renamed tulips' where id = ?", [tulips]);
    try {
      const reread = await graphql(order.url, ORDER, { id: placed.id }, token);

      expect(reread.data).toEqual({
        order: { total: { amount: 9_950 }, items: [{ productName: 'Tulips', unitPrice: { amount: 9_950 } }] },
      });
    } finally {
      await product.orm.em
        .getConnection()
        .execute("update products set price_amount = 9950, name = 'Tulips' where id = ?", [tulips]);
    }
  });

  it('refuses an empty cart with BAD_USER_INPUT "Your cart is empty" (CART_EMPTY) and writes nothing', async () => {
    const userId = randomUUID();

    const result = await checkout(tokenFor(userId), { idempotencyKey: 'k', shippingAddress: 'Moscow' });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toBe('Your cart is empty');
    expect(reasonOf(result)).toBe('CART_EMPTY');
    expect(await ordersOf(userId)).toEqual([]);
  });

  it.each([
    ['a blank shipping address', { idempotencyKey: 'k', shippingAddress: '   ' }, 'shippingAddress'],
    ['a 501-character address', { idempotencyKey: 'k', shippingAddress: 'a'.repeat(501) }, 'shippingAddress'],
    ['an empty idempotency key', { idempotencyKey: '', shippingAddress: 'Moscow' }, 'idempotencyKey'],
    ['a 101-character key', { idempotencyKey: 'k'.repeat(101), shippingAddress: 'Moscow' }, 'idempotencyKey'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, input, field) => {
    const userId = randomUUID();
    const token = tokenFor(userId);
    await fillCart(token, [[roses, 1]]);

    const result = await checkout(token, input);

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
    expect(await ordersOf(userId)).toEqual([]);
  });

  it('refuses an input without a shipping address with BAD_USER_INPUT', async () => {
    const result = await checkout(tokenFor(randomUUID()), { idempotencyKey: 'k' });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toContain('shippingAddress');
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const result = await checkout(null, { idempotencyKey: 'k', shippingAddress: 'Moscow' });
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('names a product in the cart that the catalog no longer has', async () => {
    const admin = tokenFor(randomUUID(), 'ADMIN');
    const categoryId = (
      await graphql<{ createCategory: { id: string } }>(
        product.url,
        CREATE_CATEGORY,
        { input: { slug: 'soon-gone', name: 'Soon gone' } },
        admin,
      )
    ).data!.createCategory.id;
    const doomed = (
      await graphql<{ createProduct: { id: string } }>(
        product.url,
        CREATE_PRODUCT,
        { input: { sku: 'LILIES-3', name: 'Lilies', price: 5_000, categoryId, stock: 10 } },
        admin,
      )
    ).data!.createProduct.id;
    const userId = randomUUID();
    const token = tokenFor(userId);
    await fillCart(token, [
      [roses, 1],
      [doomed, 1],
    ]);
    await product.orm.em.getConnection().execute('delete from products where id = ?', [doomed]);

    const result = await checkout(token, { idempotencyKey: 'k', shippingAddress: 'Moscow' });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(reasonOf(result)).toBe('PRODUCT_UNAVAILABLE');
    expect(result.errors?.[0].message).toContain(doomed);
    expect(result.errors?.[0].extensions?.productId).toBe(doomed);
    expect(await ordersOf(userId)).toEqual([]);
  });

  it('returns the first order for a resubmitted key without reading the cart again', async () => {
    const userId = randomUUID();
    const token = tokenFor(userId);
    await fillCart(token, [[roses, 2]]);
    const first = await checkout(token, { idempotencyKey: 'retry-me', shippingAddress: 'Moscow' });
    await graphql(cart.url, CLEAR_CART, {}, token);

    const again = await checkout(token, { idempotencyKey: 'retry-me', shippingAddress: 'Moscow' });
    const otherKey = await checkout(token, { idempotencyKey: 'another', shippingAddress: 'Moscow' });

    expect(again.errors).toBeUndefined();
    expect(again.data!.checkout.id).toBe(first.data!.checkout.id);
    expect(reasonOf(otherKey)).toBe('CART_EMPTY');
    expect(await ordersOf(userId)).toEqual([first.data!.checkout.id]);
  });

  it('validates the input and looks the key up once per checkout', async () => {
    const token = tokenFor(randomUUID());
    await fillCart(token, [[roses, 1]]);
    order.resetQueries();

    const result = await checkout(token, { idempotencyKey: randomUUID(), shippingAddress: 'Moscow' });

    expect(result.errors).toBeUndefined();
    const lookups = order.queries.filter((sql) => /^select\b/i.test(sql) && /idempotency_key/.test(sql));
    expect(lookups).toHaveLength(1);
  });

  it('creates one order (and one OrderPlaced) for 5 concurrent checkouts with one key; all get it', async () => {
    const userId = randomUUID();
    const token = tokenFor(userId);
    await fillCart(token, [
      [roses, 1],
      [tulips, 4],
    ]);

    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        checkout(token, { idempotencyKey: 'double-click', shippingAddress: 'Moscow' }),
      ),
    );

    expect(results.flatMap(errorCodes)).toEqual([]);
    const ids = new Set(results.map((result) => result.data!.checkout.id));
    expect(ids.size).toBe(1);
    const [orderId] = ids;
    expect(await ordersOf(userId)).toEqual([orderId]);
    // Every outbox row of this buyer, whatever order id a losing submission had drawn.
    expect((await outboxOfBuyer(userId)).map((row) => [row.message_key, row.type])).toEqual([
      [orderId, 'OrderPlaced'],
      [orderId, 'OrderStatusChanged'],
    ]);
    expect(results.every((result) => result.data!.checkout.total.amount === 15_000 + 4 * 9_950)).toBe(true);
  });
});
