import { dropDatabase } from '@marketplace/platform';
import {
  graphql,
  startTestSubgraph,
  testConfig,
  uniquePrefix,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { ProductServices } from '../src/context';
import { Category } from '../src/entities/category.entity';
import { Product } from '../src/entities/product.entity';
import { DEMO_CATALOG } from '../src/seed/demo-catalog';
import { productSubgraph } from '../src/server';

const DEMO_PRODUCTS = DEMO_CATALOG.flatMap((category) => category.products);

const CATALOG = /* GraphQL */ `
  {
    categories {
      slug
    }
    products(filter: { categorySlug: "roses" }, sort: PRICE_ASC, first: 1) {
      totalCount
      edges {
        node {
          sku
          price {
            amount
            currency
          }
          category {
            name
          }
        }
      }
    }
  }
`;

describe('product subgraph: demo catalog seeding', () => {
  const prefix = uniquePrefix();
  let replicas: TestSubgraph<ProductServices>[] = [];

  beforeAll(async () => {
    // Two replicas starting at once on one fresh database: exactly one of them may seed.
    const started = await Promise.allSettled([
      startTestSubgraph(productSubgraph, prefix, {}, { seedDemoData: true }),
      startTestSubgraph(productSubgraph, prefix, {}, { seedDemoData: true }),
    ]);
    replicas = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    const config = testConfig('product', prefix);
    await dropDatabase(config.databaseUrl, config.databaseName);
  });

  it('seeds the demo catalog exactly once when two replicas start together', async () => {
    const em = replicas[0].orm.em.fork();
    expect(await em.count(Product, {})).toBe(DEMO_PRODUCTS.length);
    expect(await em.count(Category, {})).toBe(DEMO_CATALOG.length);
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(50);
    expect(DEMO_CATALOG.length).toBeGreaterThanOrEqual(5);

    const result = await graphql<{
      categories: { slug: string }[];
      products: { totalCount: number; edges: { node: { sku: string; price: { currency: string } } }[] };
    }>(replicas[1].url, CATALOG);
    expect(result.errors).toBeUndefined();
    expect(result.data?.categories.map((category) => category.slug).sort()).toEqual(
      DEMO_CATALOG.map((category) => category.slug).sort(),
    );
    const roses = DEMO_CATALOG.find((category) => category.slug === 'roses')!;
    expect(result.data?.products.totalCount).toBe(roses.products.length);
    expect(result.data?.products.edges[0].node.price.currency).toBe('RUB');
  });

  it('does not seed again once the catalog has products', async () => {
    const inserted = await replicas[0].services.catalog.seedDemoCatalog({ em: replicas[0].orm.em.fork() });
    expect(inserted).toBe(0);
    expect(await replicas[0].orm.em.fork().count(Product, {})).toBe(DEMO_PRODUCTS.length);
  });

  it('seeds exactly once when several seeders race on an emptied product table', async () => {
    const replica = replicas[0];
    await replica.orm.em.fork().nativeDelete(Product, {});
    const inserted = await Promise.all(
      [0, 1, 2, 3].map(() => replica.services.catalog.seedDemoCatalog({ em: replica.orm.em.fork() })),
    );
    expect(inserted.sort((a, b) => b - a)).toEqual([DEMO_PRODUCTS.length, 0, 0, 0]);
    expect(await replica.orm.em.fork().count(Product, {})).toBe(DEMO_PRODUCTS.length);
    // The categories left behind were reused, not duplicated.
    expect(await replica.orm.em.fork().count(Category, {})).toBe(DEMO_CATALOG.length);
  });
});

describe('product subgraph: SEED_DEMO_DATA=false', () => {
  let service: TestSubgraph<ProductServices>;

  beforeAll(async () => {
    service = await startTestSubgraph(productSubgraph, uniquePrefix(), {}, { seedDemoData: false });
  });
  afterAll(() => service.destroy());

  it('starts with an empty catalog', async () => {
    const result = await graphql<{ categories: unknown[]; products: { totalCount: number } }>(
      service.url,
      CATALOG,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.categories).toEqual([]);
    expect(await service.orm.em.fork().count(Product, {})).toBe(0);
  });
});
