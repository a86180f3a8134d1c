import type { EntityManager } from '@mikro-orm/postgresql';
import { entityByIdLoader, type EventWorkers, type SubgraphContext } from '@marketplace/platform';
import { Category } from './entities/category.entity';
import { Product } from './entities/product.entity';
import type { CatalogService } from './catalog.service';
import type { StockReservationService } from './stock-reservation.service';

export const createLoaders = (em: EntityManager) => ({
  productById: entityByIdLoader<Product>(em, Product),
  categoryById: entityByIdLoader<Category>(em, Category),
});

export interface ProductServices {
  catalog: CatalogService;
  stock: StockReservationService;
  /** The saga workers, set when they start (tests apply events through `events.consumer`). */
  events?: EventWorkers;
}

export type ProductContext = SubgraphContext<ReturnType<typeof createLoaders>, ProductServices>;
