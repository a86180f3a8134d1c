import { errorCodes, graphql } from '@marketplace/platform/testing';
import { registerCustomer, startStack, type SignedIn, type Stack } from './harness';

let stack: Stack;
let admin: SignedIn;

const PRODUCTS = /* GraphQL */ `
  query Products($filter: ProductFilter, $first: Int, $after: String) {
    products(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          price {
            amount
            currency
          }
          stock {
            available
          }
          category {
            slug
            name
          }
        }
      }
    }
  }
`;
const CART = /* GraphQL */ `
  query Cart {
    me {
      cart {
        itemCount
        items {
          quantity
          product {
            id
            name
            price {
              amount
              currency
            }
          }
          lineTotal {
            amount
          }
        }
        total {
          amount
          currency
        }
      }
    }
  }
`;
const ADD = /* GraphQL */ `
  mutation Add($productId: ID!, $quantity: Int!) {
    addToCart(productId: $productId, quantity: $quantity) {
      itemCount
      total {
        amount
      }
    }
  }
`;

interface ProductNode {
  id: string;
  name: string;
  price: { amount: number; currency: string };
  stock: { available: number };
  category: { slug: string; name: string };
}
interface ProductsData {
  products: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: ProductNode }[];
  };
}

async function createProduct(name: string, price: number, stock: number): Promise<string> {
  const categories = await stack.query<{ categories: { id: string }[] }>('{ categories { id } }');
  const result = await stack.query<{ createProduct: { id: string } }>(
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    {
      input: {
        sku: `E2E-${Math.random().toString(36).slice(2, 10)}`,
        name,
        description: 'made by the e2e test',
        price,
        categoryId: categories.data!.categories[0].id,
        stock,
      },
    },
    admin.token,
  );
  if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createProduct.id;
}

beforeAll(async () => {
  stack = await startStack();
  const registered = await registerCustomer(stack, 'admin');
  admin = { id: registered.id, token: stack.tokenFor(registered.id, 'ADMIN') };
}, 60_000);
afterAll(() => stack?.stop(), 30_000);

describe('the marketplace through the gateway', () => {
  it('registers, logs in and answers me', async () => {
    const email = `login.${Date.now()}@example.com`;
    const registered = await stack.query(
      `mutation ($input: RegisterInput!) { register(input: $input) { token } }`,
      { input: { email, password: 'a long password', fullName: 'Olga Ivanova', city: 'Kazan' } },
    );
    expect(registered.errors).toBeUndefined();
    const login = await stack.query<{ login: { token: string } }>(
      `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
      { e: email, p: 'a long password' },
    );
    expect(login.errors).toBeUndefined();
    const me = await stack.query<{ me: { email: string; city: string } }>(
      '{ me { email city } }',
      {},
      login.data!.login.token,
    );
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toEqual({ email, city: 'Kazan' });
  });

  it('browses the seeded demo catalog with search, filters and cursor pagination', async () => {
    const all = await stack.query<ProductsData>(PRODUCTS, { first: 100 });
    expect(all.errors).toBeUndefined();
    expect(all.data!.products.totalCount).toBeGreaterThanOrEqual(50);
    expect(
      new Set(all.data!.products.edges.map((edge) => edge.node.category.slug)).size,
    ).toBeGreaterThanOrEqual(5);

    const roses = await stack.query<ProductsData>(PRODUCTS, { filter: { search: 'rose' } });
    expect(roses.errors).toBeUndefined();
    expect(roses.data!.products.edges.length).toBeGreaterThan(0);
    for (const edge of roses.data!.products.edges) expect(edge.node.name.toLowerCase()).toContain('rose');

    const cheap = await stack.query<ProductsData>(PRODUCTS, { filter: { maxPrice: 200_000 }, first: 100 });
    expect(cheap.errors).toBeUndefined();
    expect(cheap.data!.products.edges.length).toBeGreaterThan(0);
    for (const edge of cheap.data!.products.edges)
      expect(edge.node.price.amount).toBeLessThanOrEqual(200_000);

    const slug = all.data!.products.edges[0].node.category.slug;
    const inCategory = await stack.query<ProductsData>(PRODUCTS, {
      filter: { categorySlug: slug },
      first: 100,
    });
    expect(inCategory.errors).toBeUndefined();
    expect(inCategory.data!.products.edges.length).toBeGreaterThan(0);
    expect(inCategory.data!.products.edges.every((edge) => edge.node.category.slug === slug)).toBe(true);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { data?: ProductsData | null } = await stack.query<ProductsData>(PRODUCTS, {
        first: 7,
        after,
      });
      expect(page).not.toHaveProperty('errors');
      seen.push(...page.data!.products.edges.map((edge) => edge.node.id));
      after = page.data!.products.pageInfo.hasNextPage ? page.data!.products.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(all.data!.products.totalCount);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('fills a cart and reads it back with names and prices from the product subgraph', async () => {
    const customer = await registerCustomer(stack, 'shopper');
    const tulips = await createProduct('E2E tulips', 150_000, 10);
    const card = await createProduct('E2E greeting card', 25_000, 10);
    expect(errorCodes(await stack.query(ADD, { productId: tulips, quantity: 2 }, customer.token))).toEqual(
      [],
    );
    expect(errorCodes(await stack.query(ADD, { productId: card, quantity: 1 }, customer.token))).toEqual([]);

    const cart = await stack.query<{
      me: {
        cart: {
          itemCount: number;
          items: { quantity: number; product: { id: string; name: string } }[];
          total: { amount: number; currency: string };
        };
      };
    }>(CART, {}, customer.token);
    expect(cart.errors).toBeUndefined();
    expect(cart.data!.me.cart.itemCount).toBe(3);
    expect(cart.data!.me.cart.total).toEqual({ amount: 325_000, currency: 'RUB' });
    expect(cart.data!.me.cart.items.map((item) => [item.product.name, item.quantity]).sort()).toEqual([
      ['E2E greeting card', 1],
      ['E2E tulips', 2],
    ]);
  });

  it('resolves a cart of N products with the same number of product SQL statements for N = 1, 10, 100', async () => {
    const counts: number[] = [];
    const catalog = await stack.query<ProductsData>(PRODUCTS, { first: 100 });
    expect(catalog.errors).toBeUndefined();
    const ids = catalog
      .data!.products.edges.filter((edge) => edge.node.stock.available > 0)
      .map((edge) => edge.node.id);
    expect(ids.length).toBeGreaterThanOrEqual(50);
    const extra = await Promise.all(
      Array.from({ length: 100 - Math.min(ids.length, 100) }, (_, index) =>
        createProduct(`Bulk ${index}`, 1_000, 5),
      ),
    );
    const productIds = [...ids, ...extra].slice(0, 100);
    for (const size of [1, 10, 100]) {
      const customer = await registerCustomer(stack, `n${size}`);
      for (const productId of productIds.slice(0, size))
        expect(errorCodes(await stack.query(ADD, { productId, quantity: 1 }, customer.token))).toEqual([]);
      stack.product.resetQueries();
      const cart = await stack.query<{ me: { cart: { items: unknown[] } } }>(CART, {}, customer.token);
      expect(cart.errors).toBeUndefined();
      expect(cart.data!.me.cart.items).toHaveLength(size);
      counts.push(stack.product.queries.length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
  });

  it('reaches the wallet, orders, payment and delivery from their owning subgraphs', async () => {
    const customer = await registerCustomer(stack, 'wallet');
    const topUp = await stack.query<{ topUpWallet: { balance: { amount: number } } }>(
      'mutation { topUpWallet(amount: 500000) { balance { amount currency } } }',
      {},
      customer.token,
    );
    expect(topUp.errors).toBeUndefined();
    expect(topUp.data?.topUpWallet.balance.amount).toBe(500_000);
    const me = await stack.query<{
      me: { wallet: { balance: { amount: number } }; orders: { totalCount: number } };
    }>(
      '{ me { wallet { balance { amount } } orders { totalCount edges { node { id } } } } }',
      {},
      customer.token,
    );
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.wallet.balance.amount).toBe(500_000);
    expect(me.data!.me.orders.totalCount).toBe(0);
  });

  it('answers client mistakes with client error codes, never INTERNAL_SERVER_ERROR', async () => {
    const customer = await registerCustomer(stack, 'mistakes');
    const cases: [string, Record<string, unknown>, string | null, string][] = [
      ['query { product(id: "not-an-id") { id } }', {}, null, 'BAD_USER_INPUT'],
      [ADD, { productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }, customer.token, 'NOT_FOUND'],
      [ADD, { productId: 'nope', quantity: 1 }, customer.token, 'BAD_USER_INPUT'],
      [
        ADD,
        { productId: '00000000-0000-4000-8000-000000000000', quantity: 0 },
        customer.token,
        'BAD_USER_INPUT',
      ],
      [ADD, { productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }, null, 'UNAUTHENTICATED'],
      ['mutation { topUpWallet(amount: -5) { balance { amount } } }', {}, customer.token, 'BAD_USER_INPUT'],
      [
        'mutation { restockProduct(id: "00000000-0000-4000-8000-000000000000", quantity: 5) { id } }',
        {},
        customer.token,
        'FORBIDDEN',
      ],
      [
        `mutation { register(input: { email: "bad", password: "long enough", fullName: "X" }) { token } }`,
        {},
        null,
        'BAD_USER_INPUT',
      ],
      ['{ products(first: 1000) { totalCount } }', {}, null, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, token, code] of cases) {
      const result = await stack.query(query, variables, token);
      expect({ query, codes: errorCodes(result) }).toEqual({ query, codes: [code] });
    }
  });

  it("lets no one reach another user's data by calling a subgraph directly", async () => {
    const victim = await registerCustomer(stack, 'victim');
    const intruder = await registerCustomer(stack, 'intruder');
    const topUp = await stack.query(
      'mutation { topUpWallet(amount: 1000) { balance { amount } } }',
      {},
      victim.token,
    );
    expect(topUp.errors).toBeUndefined();
    const user = [{ __typename: 'User', id: victim.id }];
    const probes: [string, string][] = [
      [stack.user.url, '... on User { email fullName }'],
      [stack.cart.url, '... on User { cart { items { quantity } } }'],
      [stack.order.url, '... on User { orders { totalCount } }'],
      [stack.payment.url, '... on User { wallet { balance { amount } } }'],
    ];
    for (const [url, selection] of probes) {
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
      for (const token of [null, intruder.token]) {
        const result = await graphql<{ _entities: (Record<string, unknown> | null)[] }>(
          url,
          query,
          { r: user },
          token,
        );
        const leaked = (result.data?._entities ?? []).filter(
          (entity) => entity && Object.keys(entity).length > 0,
        );
        expect({ url, token: Boolean(token), leaked }).toEqual({ url, token: Boolean(token), leaked: [] });
        expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(errorCodes(result)[0]);
      }
      const forged = await graphql(url, query, { r: user }, 'forged.token.value');
      expect(errorCodes(forged)).toEqual(['UNAUTHENTICATED']);
      const own = await graphql<{ _entities: (Record<string, unknown> | null)[] }>(
        url,
        query,
        { r: user },
        victim.token,
      );
      expect(own.errors).toBeUndefined();
      expect(own.data?._entities).toHaveLength(1);
      expect(Object.keys(own.data?._entities[0] ?? {}).length).toBeGreaterThan(0);
    }
  });
});
