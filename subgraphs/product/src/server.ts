import { productMigrations } from '@marketplace/migrations';
import {
  namespaced,
  OutboxMessageSchema,
  ProcessedEventSchema,
  readSubgraphSchema,
  type SubgraphDefinition,
  TOPICS,
} from '@marketplace/platform';
import { CatalogService } from './catalog.service';
import { createLoaders, type ProductServices } from './context';
import { CategorySchema } from './entities/category.entity';
import { ProductSchema } from './entities/product.entity';
import { StockReservationSchema } from './entities/stock-reservation.entity';
import { productWorkers } from './events';
import { resolvers } from './resolvers';
import { productSettings, type ProductSettings } from './settings';
import { StockReservationService } from './stock-reservation.service';

export const typeDefs = readSubgraphSchema(__dirname);

/**
 * The product subgraph: categories, products, stock and catalog search, and the stock side of the
 * order saga (reserve on `OrderPlaced`, release on `OrderCancelled`, sell on `OrderShipped`).
 * Building it has no side effects; on start it seeds the demo catalog into an empty database
 * unless `SEED_DEMO_DATA=false`.
 */
export const productSubgraph: SubgraphDefinition<
  ReturnType<typeof createLoaders>,
  ProductServices,
  ProductSettings
> = {
  name: 'product',
  typeDefs,
  resolvers,
  entities: [
    CategorySchema,
    ProductSchema,
    StockReservationSchema,
    OutboxMessageSchema,
    ProcessedEventSchema,
  ],
  migrations: productMigrations,
  createLoaders,
  settings: productSettings,
  createServices: ({ config }) => ({
    catalog: new CatalogService(config),
    stock: new StockReservationService(namespaced(config, TOPICS.product)),
  }),
  onReady: async ({ orm, log, settings }, services) => {
    if (!settings.seedDemoData) return;
    const inserted = await services.catalog.seedDemoCatalog({ em: orm.em.fork() });
    if (inserted > 0) log.info({ products: inserted }, 'demo catalog seeded');
  },
  workers: productWorkers,
};
