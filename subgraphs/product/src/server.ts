import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import gql from 'graphql-tag';
import { productMigrations } from '@marketplace/migrations';
import type { SubgraphDefinition } from '@marketplace/platform';
import { CatalogService } from './catalog.service';
import { createLoaders, type ProductServices } from './context';
import { CategorySchema } from './entities/category.entity';
import { ProductSchema } from './entities/product.entity';
import { resolvers } from './resolvers';
import { seedDemoDataEnabled } from './seed/seed-demo-catalog';

export const typeDefs = gql(readFileSync(join(__dirname, '..', 'src', 'schema.graphql'), 'utf8'));

/**
 * The product subgraph: categories, products, stock and catalog search. Building it has no side
 * effects; on start it seeds the demo catalog into an empty database unless `SEED_DEMO_DATA=false`.
 */
export const productSubgraph: SubgraphDefinition<ReturnType<typeof createLoaders>, ProductServices> = {
  name: 'product',
  typeDefs,
  resolvers,
  entities: [CategorySchema, ProductSchema],
  migrations: productMigrations,
  createLoaders,
  createServices: ({ config }) => ({ catalog: new CatalogService(config) }),
  onReady: async ({ orm, log }, services) => {
    if (!seedDemoDataEnabled()) return;
    const inserted = await services.catalog.seedDemoCatalog({ em: orm.em.fork() });
    if (inserted > 0) log.info({ products: inserted }, 'demo catalog seeded');
  },
};
