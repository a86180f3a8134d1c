import { createTokenSigner, newId } from '@marketplace/platform';
import {
  errorCodes,
  graphql,
  startTestSubgraph,
  type GraphQLResponse,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { ProductServices } from '../src/context';
import { Category } from '../src/entities/category.entity';
import { Product } from '../src/entities/product.entity';
import { productSubgraph } from '../src/server';

const PRODUCT_FIELDS = /* GraphQL */ `
  fragment ProductFields on Product {
    id
    sku
    name
    description
    price {
      amount
      currency
    }
    stock {
      onHand
      reserved
      available
    }
    category {
      id
      slug
      name
    }
    createdAt
  }
`;
const CREATE_CATEGORY = /* GraphQL */ `
  mutation CreateCategory($input: CreateCategoryInput!) {
    createCategory(input: $input) {
      id
      slug
      name
      description
    }
  }
`;
const CREATE_PRODUCT = /* GraphQL */ `
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      ...ProductFields
    }
  }
  ${PRODUCT_FIELDS}
`;
const RESTOCK = /* GraphQL */ `
  mutation Restock($id: ID!, $quantity: Int!) {
    restockProduct(id: $id, quantity: $quantity) {
      id
      stock {
        onHand
        available
      }
    }
  }
`;
const PRODUCT = /* GraphQL */ `
  query Product($id: ID!) {
    product(id: $id) {
      ...ProductFields
    }
  }
  ${PRODUCT_FIELDS}
`;
const PRODUCTS = /* GraphQL */ `
  query Products($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
    products(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
          price {
            amount
          }
          createdAt
        }
      }
    }
  }
`;
const CATEGORIES = /* GraphQL */ `
  query Categories($slug: String!) {
    categories {
      slug
    }
    category(slug: $slug) {
      id
      name
      products(first: 2) {
        totalCount
        edges {
          node {
            name
          }
        }
      }
    }
  }
`;
const PRODUCT_ENTITIES = /* GraphQL */ `
  query ProductEntities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Product {
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
          name
        }
      }
    }
  }
`;
const CATEGORY_ENTITIES = /* GraphQL */ `
  query CategoryEntities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Category {
        id
        slug
      }
    }
  }
`;

interface ProductNode {
  id: string;
  name: string;
  price: { amount: number };
  createdAt: string;
}
interface ProductsPage {
  products: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: ProductNode }[];
  };
}
interface CreatedProduct {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currency: string };
  stock: { onHand: number; reserved: number; available: number };
  category: { id: string; slug: string; name: string };
}

let service: TestSubgraph<ProductServices>;
let adminToken: string;
let customerToken: string;
let flowers: Category;
let gifts: Category;

/**
 * The statements requests ran since `resetQueries()`: the outbox relay and the saga consumer
 * query on their own schedule, so their statements are left out.
 */
const requestQueries = () => service.queries.filter((sql) => !/\b(outbox|processed_events)\b/.test(sql));

/** Inserts products straight into the database, for tests about reading. */
async function insertProducts(
  count: number,
  make: (index: number) => { name: string; price: number; stock?: number; category?: Category },
): Promise<Product[]> {
  const em = service.orm.em.fork();
  const products = Array.from({ length: count }, (_, index) => {
    const spec = make(index);
    return new Product(
      `T-${newId().slice(0, 13).toUpperCase()}`,
      spec.name,
      '',
      { amount: spec.price, currency: 'RUB' },
      em.getReference(Category, (spec.category ?? flowers).id),
      spec.stock ?? 5,
    );
  });
  await em.persist(products).flush();
  return products;
}

const createProduct = (input: Record<string, unknown>, token: string | null = adminToken) =>
  graphql<{ createProduct: CreatedProduct }>(
    service.url,
    CREATE_PRODUCT,
    {
      input: {
        sku: `SKU-${newId().slice(0, 8)}`,
        name: 'Tulips',
        price: 1000,
        categoryId: flowers.id,
        stock: 3,
        ...input,
      },
    },
    token,
  );

const listProducts = (variables: Record<string, unknown>) =>
  graphql<ProductsPage>(service.url, PRODUCTS, variables);

/** The data of a response that must have succeeded: its errors are checked first. */
function expectOk<T>(result: GraphQLResponse<T>): T {
  expect(result.errors).toBeUndefined();
  return result.data!;
}

/** A page of products that must be served without errors. */
const listedProducts = async (variables: Record<string, unknown>) =>
  expectOk(await listProducts(variables)).products;

/** Walks every page of a query, returning the names in the order served. */
async function walkAllPages(variables: Record<string, unknown>, first: number): Promise<ProductNode[]> {
  const nodes: ProductNode[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const result = await listProducts({ ...variables, first, after });
    expect(result.errors).toBeUndefined();
    const connection = result.data!.products;
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

beforeAll(async () => {
  service = await startTestSubgraph(productSubgraph, undefined, {}, { seedDemoData: false });
  const signer = createTokenSigner(service.config.jwtSecret, '1h');
  adminToken = signer.sign({ id: newId(), role: 'ADMIN' });
  customerToken = signer.sign({ id: newId(), role: 'CUSTOMER' });
  const em = service.orm.em.fork();
  flowers = new Category('test-flowers', 'Test flowers', 'Cut flowers');
  gifts = new Category('test-gifts', 'Test gifts');
  await em.persist([flowers, gifts]).flush();
});
afterAll(() => service.destroy());

describe('product subgraph: catalog administration', () => {
  it('lets an administrator create a category and a product in the shop currency', async () => {
    const category = await graphql<{ createCategory: { id: string; slug: string } }>(
      service.url,
      CREATE_CATEGORY,
      { input: { slug: ' Fresh-Roses ', name: 'Fresh roses', description: 'By the stem' } },
      adminToken,
    );
    expect(category.errors).toBeUndefined();
    expect(category.data?.createCategory.slug).toBe('fresh-roses');

    const result = await createProduct({
      sku: ' rose-red-11 ',
      name: '  Red Roses, 11 stems ',
      description: 'Eleven red roses',
      price: 329000,
      categoryId: category.data!.createCategory.id,
      stock: 7,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createProduct).toMatchObject({
      sku: 'ROSE-RED-11',
      name: 'Red Roses, 11 stems',
      price: { amount: 329000, currency: 'RUB' },
      stock: { onHand: 7, reserved: 0, available: 7 },
      category: { slug: 'fresh-roses', name: 'Fresh roses' },
    });

    const read = expectOk(
      await graphql<{ product: CreatedProduct }>(service.url, PRODUCT, {
        id: result.data!.createProduct.id,
      }),
    );
    expect(read.product).toEqual(result.data?.createProduct);
  });

  it('refuses catalog changes to customers (FORBIDDEN) and anonymous callers (UNAUTHENTICATED)', async () => {
    const [product] = await insertProducts(1, () => ({ name: 'Guarded', price: 100 }));
    expect(errorCodes(await createProduct({}, customerToken))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await createProduct({}, null))).toEqual(['UNAUTHENTICATED']);
    const restock = await graphql(service.url, RESTOCK, { id: product.id, quantity: 1 }, customerToken);
    expect(errorCodes(restock)).toEqual(['FORBIDDEN']);
    const category = await graphql(
      service.url,
      CREATE_CATEGORY,
      { input: { slug: 'nope', name: 'Nope' } },
      customerToken,
    );
    expect(errorCodes(category)).toEqual(['FORBIDDEN']);
  });

  it.each([
    ['an empty name', { name: '   ' }, 'name'],
    ['a negative price', { price: -1 }, 'price'],
    ['a negative stock', { stock: -5 }, 'stock'],
    ['a malformed sku', { sku: 'has spaces' }, 'sku'],
    ['a malformed categoryId', { categoryId: 'not-a-uuid' }, 'categoryId'],
  ])('refuses a product with %s as BAD_USER_INPUT', async (_case, input, field) => {
    const result = await createProduct(input);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });

  it('refuses a product in an unknown category with NOT_FOUND naming it', async () => {
    const categoryId = newId();
    const result = await createProduct({ categoryId });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.errors?.[0].message).toContain(categoryId);
  });

  it('refuses a duplicate sku, also when two creations race', async () => {
    const results = await Promise.all([createProduct({ sku: 'TWIN-1' }), createProduct({ sku: 'twin-1' })]);
    const codes = results.map((result) => errorCodes(result)[0]);
    expect(codes.filter((code) => code === undefined)).toHaveLength(1);
    expect(codes.filter((code) => code === 'BAD_USER_INPUT')).toHaveLength(1);
    expect(results.find((result) => result.errors)?.errors?.[0].extensions?.field).toBe('sku');
  });

  it('refuses a duplicate category slug as BAD_USER_INPUT', async () => {
    const result = await graphql(
      service.url,
      CREATE_CATEGORY,
      { input: { slug: 'test-flowers', name: 'Again' } },
      adminToken,
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe('slug');
  });

  it('restocks atomically: concurrent restocks all count', async () => {
    const [product] = await insertProducts(1, () => ({ name: 'Restocked', price: 100, stock: 2 }));
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((quantity) =>
        graphql(service.url, RESTOCK, { id: product.id, quantity }, adminToken),
      ),
    );
    expect(results.flatMap(errorCodes)).toEqual([]);
    const read = expectOk(
      await graphql<{ product: CreatedProduct }>(service.url, PRODUCT, { id: product.id }),
    );
    expect(read.product.stock).toEqual({ onHand: 17, reserved: 0, available: 17 });
  });

  it.each([
    ['a zero quantity', { quantity: 0 }, 'BAD_USER_INPUT', 'quantity'],
    ['a negative quantity', { quantity: -3 }, 'BAD_USER_INPUT', 'quantity'],
    ['a malformed id', { id: '42' }, 'BAD_USER_INPUT', 'id'],
    ['an overflowing quantity', { quantity: 2147483647 }, 'BAD_USER_INPUT', 'quantity'],
    ['an unknown id', { id: newId() }, 'NOT_FOUND', undefined],
  ])('refuses a restock with %s', async (_case, override, code, field) => {
    const [product] = await insertProducts(1, () => ({ name: 'Restock target', price: 100 }));
    const result = await graphql(
      service.url,
      RESTOCK,
      { id: product.id, quantity: 1, ...override },
      adminToken,
    );
    expect(errorCodes(result)).toEqual([code]);
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });

  it('enforces 0 <= reserved <= on hand and a non-negative price in the database', async () => {
    const [product] = await insertProducts(1, () => ({ name: 'Constrained', price: 100, stock: 3 }));
    const connection = service.orm.em.getConnection();
    for (const sql of [
      'update products set stock_reserved = 4 where id = ?',
      'update products set stock_reserved = -1 where id = ?',
      'update products set price_amount = -1 where id = ?',
    ]) {
      await expect(connection.execute(sql, [product.id])).rejects.toThrow(/check constraint/);
    }
  });
});

describe('product subgraph: browsing', () => {
  let catalog: Product[];

  beforeAll(async () => {
    // A separate category keeps these assertions independent of products other tests create.
    const em = service.orm.em.fork();
    const browse = new Category('browse', 'Browse');
    await em.persist(browse).flush();
    const names = ['Aster', 'Begonia', 'Camellia', 'Dahlia', 'Edelweiss', 'Freesia', 'Gerbera'];
    // Equal prices and names on purpose: the id must break ties without skipping or repeating.
    catalog = await insertProducts(14, (index) => ({
      name: `${names[index % names.length]} 100%_off`,
      price: [500, 1500, 1500, 2500][index % 4],
      stock: index % 5 === 0 ? 0 : 3,
      category: browse,
    }));
  });

  const browseFilter = { categorySlug: 'browse' };

  it.each([
    ['NAME_ASC', (a: ProductNode, b: ProductNode) => a.name.localeCompare(b.name)],
    ['PRICE_ASC', (a: ProductNode, b: ProductNode) => a.price.amount - b.price.amount],
    ['PRICE_DESC', (a: ProductNode, b: ProductNode) => b.price.amount - a.price.amount],
    ['NEWEST', (a: ProductNode, b: ProductNode) => b.createdAt.localeCompare(a.createdAt)],
  ])('pages through every product once in %s order', async (sort, compare) => {
    const nodes = await walkAllPages({ filter: browseFilter, sort }, 3);
    expect(nodes).toHaveLength(catalog.length);
    expect(new Set(nodes.map((node) => node.id)).size).toBe(catalog.length);
    for (let index = 1; index < nodes.length; index++) {
      expect(compare(nodes[index - 1], nodes[index])).toBeLessThanOrEqual(0);
    }
  });

  it('reports totalCount for the whole filtered set and page info', async () => {
    const first = await listedProducts({ filter: browseFilter, first: 5 });
    expect(first).toMatchObject({
      totalCount: catalog.length,
      pageInfo: { hasNextPage: true, hasPreviousPage: false },
    });
    const second = await listedProducts({
      filter: browseFilter,
      first: 5,
      after: first.pageInfo.endCursor,
    });
    expect(second).toMatchObject({
      totalCount: catalog.length,
      pageInfo: { hasNextPage: true, hasPreviousPage: true },
    });
    expect(second.edges).toHaveLength(5);
  });

  it('keeps the next page stable when products are added before the cursor', async () => {
    const category = new Category('stable', 'Stable');
    await service.orm.em.fork().persist(category).flush();
    await insertProducts(6, (index) => ({ name: `Mid ${index}`, price: 100, category }));
    const first = await listedProducts({ filter: { categorySlug: 'stable' }, first: 3 });
    const names = first.edges.map((edge) => edge.node.name);
    expect(names).toEqual(['Mid 0', 'Mid 1', 'Mid 2']);

    await insertProducts(2, (index) => ({ name: `Early ${index}`, price: 100, category }));
    const second = await listedProducts({
      filter: { categorySlug: 'stable' },
      first: 3,
      after: first.pageInfo.endCursor,
    });
    expect(second.edges.map((edge) => edge.node.name)).toEqual(['Mid 3', 'Mid 4', 'Mid 5']);
    expect(second.totalCount).toBe(8);
  });

  it('filters by name with % and _ matched literally, case-insensitively', async () => {
    await insertProducts(2, (index) => ({ name: ['Gerbera 100 off', 'GERBERA 100X OFF'][index], price: 1 }));
    const literal = await listedProducts({ filter: { search: 'gerbera 100%_' } });
    expect(literal.edges.map((edge) => edge.node.name)).toEqual(['Gerbera 100%_off', 'Gerbera 100%_off']);
    const broad = await listedProducts({ filter: { search: 'GERBERA 100' } });
    expect(broad.totalCount).toBe(4);
  });

  it('filters by category id or slug, price range and stock', async () => {
    const browseId = catalog[0].category.id;
    const byId = await listedProducts({ filter: { categoryId: browseId, minPrice: 1500, maxPrice: 1500 } });
    expect(byId.totalCount).toBe(7);
    expect(byId.edges.every((edge) => edge.node.price.amount === 1500)).toBe(true);

    const inStock = await listedProducts({ filter: { ...browseFilter, inStock: true } });
    const soldOut = await listedProducts({ filter: { ...browseFilter, inStock: false } });
    expect(inStock.totalCount).toBe(11);
    expect(soldOut.totalCount).toBe(3);

    const unknownSlug = await listedProducts({ filter: { categorySlug: 'no-such-category' } });
    expect(unknownSlug).toMatchObject({ totalCount: 0, edges: [] });
  });

  it.each([
    ['a negative minPrice', { filter: { minPrice: -1 } }, 'minPrice'],
    ['an inverted price range', { filter: { minPrice: 500, maxPrice: 100 } }, 'maxPrice'],
    ['a malformed categoryId', { filter: { categoryId: 'nope' } }, 'categoryId'],
    ['first = 0', { first: 0 }, 'first'],
    ['first = 101', { first: 101 }, 'first'],
    ['a malformed cursor', { after: 'garbage!' }, 'after'],
    ['a cursor of another sort order', { sort: 'PRICE_ASC', after: 'NAME' }, 'after'],
  ] as [string, Record<string, unknown>, string][])(
    'refuses %s as BAD_USER_INPUT',
    async (_case, variables, field) => {
      let input: Record<string, unknown> = variables;
      if (variables.after === 'NAME') {
        const page = await listedProducts({ sort: 'NAME_ASC', first: 1 });
        input = { ...variables, after: page.pageInfo.endCursor };
      }
      const result = await listProducts(input);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions?.field).toBe(field);
    },
  );

  it('answers product(id) with null for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const unknown = await graphql(service.url, PRODUCT, { id: newId() });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ product: null });
    expect(errorCodes(await graphql(service.url, PRODUCT, { id: 'x' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('lists categories and a category page of its products', async () => {
    const result = await graphql<{
      categories: { slug: string }[];
      category: { name: string; products: { totalCount: number; edges: { node: { name: string } }[] } };
    }>(service.url, CATEGORIES, { slug: 'BROWSE' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.categories.map((category) => category.slug)).toEqual(
      expect.arrayContaining(['browse', 'test-flowers', 'test-gifts']),
    );
    expect(result.data?.category.products.totalCount).toBe(catalog.length);
    expect(result.data?.category.products.edges.map((edge) => edge.node.name)).toEqual([
      'Aster 100%_off',
      'Aster 100%_off',
    ]);
    const missing = expectOk(
      await graphql<{ category: unknown }>(service.url, CATEGORIES, { slug: 'missing' }),
    );
    expect(missing.category).toBeNull();
  });
});

describe('product subgraph: entity resolution', () => {
  it('resolves N Product references with the same number of SQL statements for N = 1, 10 and 100', async () => {
    const products = await insertProducts(100, (index) => ({
      name: `Entity ${index}`,
      price: 100 + index,
      category: index % 2 ? gifts : flowers,
    }));
    const statementCounts: number[] = [];
    for (const size of [1, 10, 100]) {
      // Unknown and malformed ids mixed in: they must come back as null, in place.
      const ids = products.slice(0, size).map((product) => product.id);
      const keys = [...ids.slice(0, -1), newId(), 'not-an-id', ids[ids.length - 1]].reverse();
      const representations = keys.map((id) => ({ __typename: 'Product', id }));

      service.resetQueries();
      const result = await graphql<{
        _entities: ({ id: string; category: { name: string }; stock: { available: number } } | null)[];
      }>(service.url, PRODUCT_ENTITIES, { representations });
      statementCounts.push(requestQueries().length);

      expect(result.errors).toBeUndefined();
      const byId = new Map(products.map((product) => [product.id, product]));
      expect(result.data?._entities.map((entity) => entity?.id ?? null)).toEqual(
        keys.map((id) => (byId.has(id) ? id : null)),
      );
      const firstKnown = result.data!._entities.find((entity) => entity !== null)!;
      const expected = byId.get(firstKnown.id)!;
      expect(firstKnown.category.name).toBe(
        expected.category.id === gifts.id ? 'Test gifts' : 'Test flowers',
      );
      expect(firstKnown.stock.available).toBe(5);
    }
    // One `id = any(...)` query for the products and one for their categories, whatever N is.
    expect(statementCounts).toEqual([2, 2, 2]);
  });

  it('resolves Category references by id, null for unknown ones (@key id)', async () => {
    const unknown = newId();
    const result = await graphql<{ _entities: ({ id: string; slug: string } | null)[] }>(
      service.url,
      CATEGORY_ENTITIES,
      {
        representations: [
          { __typename: 'Category', id: gifts.id },
          { __typename: 'Category', id: unknown },
          { __typename: 'Category', id: flowers.id.toUpperCase() },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { id: gifts.id, slug: 'test-gifts' },
      null,
      { id: flowers.id, slug: 'test-flowers' },
    ]);
  });
});

describe('product subgraph: schema', () => {
  it('keeps the database schema in step with the entities', async () => {
    const diff = await service.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });
});
