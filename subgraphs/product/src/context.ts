import type { EntityManager } from '@mikro-orm/postgresql';
import { entityByIdLoader, type SubgraphContext } from '@marketplace/platform';
import { Category } from './entities/category.entity';
import { Product } from './entities/product.entity';
import type { CatalogService } from './catalog.service';

export const createLoaders = (em: EntityManager) => ({
  productById: entityByIdLoader<Product>(em, Product),
  categoryById: entityByIdLoader<Category>(em, Category),
});

export interface ProductServices {
  catalog: CatalogService;
}

export type ProductContext = SubgraphContext<ReturnType<typeof createLoaders>, ProductServices>;
