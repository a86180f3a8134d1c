import { UniqueConstraintViolationException, type QueryResult } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badUserInput,
  notFound,
  pageSize,
  parseId,
  toConnection,
  type Connection,
  type PlatformConfig,
} from '@marketplace/platform';
import { validateNewCategory, type NewCategoryFields } from './domain/category-input';
import { validateNewProduct, validateRestockQuantity, type NewProductFields } from './domain/product-input';
import {
  decodeProductCursor,
  productCursorKey,
  SORTS,
  validateProductFilter,
  type ProductFilterFields,
  type ProductSortOrder,
} from './domain/product-listing';
import { Category } from './entities/category.entity';
import { Product } from './entities/product.entity';
import { seedDemoCatalog } from './seed/seed-demo-catalog';

/**
 * What the service needs of a request: its own EntityManager fork. Who may call what is decided
 * by the resolvers (the edits are for administrators only) before the service is called.
 */
export interface CatalogServiceContext {
  em: EntityManager;
}

export interface ProductPageRequest {
  filter?: ProductFilterFields | null;
  /** Default `NAME_ASC`. */
  sort?: ProductSortOrder | null;
  /** Page size, 1 to 100. Default 20. */
  first?: number | null;
  after?: string | null;
}

const NUMERIC_VALUE_OUT_OF_RANGE = '22003';

/** The catalog: browsing with filters and keyset pagination, and the administrators' edits. */
export class CatalogService {
  constructor(private readonly config: PlatformConfig) {}

  /**
   * One page of products. Keyset pagination (`(sortKey, id)` after the cursor's), so pages stay
   * stable while products are added; `totalCount` counts every product matching the filter.
   */
  async listProducts(
    context: CatalogServiceContext,
    request: ProductPageRequest,
  ): Promise<Connection<Product>> {
    const filter = validateProductFilter(request.filter);
    const sort = request.sort ?? 'NAME_ASC';
    const limit = pageSize(request.first);
    const position = decodeProductCursor(request.after, sort);

    const qb = context.em.createQueryBuilder(Product, 'p');
    if (filter.namePattern !== null) qb.andWhere(`p.name ilike ? escape '\\'`, [filter.namePattern]);
    if (filter.categoryId !== null) qb.andWhere({ category: filter.categoryId });
    if (filter.categorySlug !== null) qb.andWhere({ category: { slug: filter.categorySlug } });
    if (filter.minPrice !== null) qb.andWhere({ priceAmount: { $gte: filter.minPrice } });
    if (filter.maxPrice !== null) qb.andWhere({ priceAmount: { $lte: filter.maxPrice } });
    if (filter.inStock !== null) {
      qb.andWhere(
        filter.inStock ? 'p.stock_on_hand > p.stock_reserved' : 'p.stock_on_hand <= p.stock_reserved',
      );
    }
    const totalCount = await qb.clone().getCount();

    const spec = SORTS[sort];
    if (position) {
      const comparison = spec.direction === 'asc' ? '>' : '<';
      qb.andWhere(`(p.${spec.column}, p.id) ${comparison} (?::${spec.cast}, ?::uuid)`, [
        position.key,
        position.id,
      ]);
    }
    const rows = await qb
      .orderBy([{ [spec.property]: spec.direction }, { id: spec.direction }])
      .limit(limit + 1)
      .getResultList();
    return toConnection(rows, limit, totalCount, (row) => productCursorKey(sort, row), position !== null);
  }

  /** Every category, by name. */
  categories(context: CatalogServiceContext): Promise<Category[]> {
    return context.em.find(Category, {}, { orderBy: { name: 'asc', id: 'asc' } });
  }

  categoryBySlug(context: CatalogServiceContext, slug: string): Promise<Category | null> {
    return context.em.findOne(Category, { slug: slug.trim().toLowerCase() });
  }

  /** Adds a category; the slug is unique even when two admins race. */
  async createCategory(context: CatalogServiceContext, input: NewCategoryFields): Promise<Category> {
    const valid = validateNewCategory(input);
    const em = context.em.fork();
    if (await em.count(Category, { slug: valid.slug })) throw this.slugTaken();
    const category = new Category(valid.slug, valid.name, valid.description);
    try {
      await em.persistAndFlush(category);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw this.slugTaken();
      throw error;
    }
    return category;
  }

  /** Adds a product; the sku is unique even when two admins race. */
  async createProduct(context: CatalogServiceContext, input: NewProductFields): Promise<Product> {
    const valid = validateNewProduct(input);
    const em = context.em.fork();
    const category = await em.findOne(Category, valid.categoryId);
    if (!category) throw notFound('Category', valid.categoryId);
    if (await em.count(Product, { sku: valid.sku })) throw this.skuTaken();
    const product = new Product(
      valid.sku,
      valid.name,
      valid.description,
      { amount: valid.price, currency: this.config.currency },
      category,
      valid.stock,
    );
    try {
      await em.persistAndFlush(product);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw this.skuTaken();
      throw error;
    }
    return product;
  }

  /** Adds units to the stock on hand, atomically in the database so concurrent restocks all count. */
  async restockProduct(context: CatalogServiceContext, id: string, quantity: number): Promise<Product> {
    const productId = parseId(id);
    const units = validateRestockQuantity(quantity);
    if (!(await this.addStock(context.em, productId, units))) throw notFound('Product', productId);
    const product = await context.em.fork().findOne(Product, productId);
    if (!product) throw notFound('Product', productId);
    return product;
  }

  /**
   * Seeds the demo catalog into an empty product table; see `seedDemoCatalog`. Returns how many
   * products were inserted (0 when the catalog already had products).
   */
  seedDemoCatalog(context: CatalogServiceContext): Promise<number> {
    return seedDemoCatalog(context.em, this.config.currency);
  }

  /** `stock_on_hand += units` in one statement; false when there is no such product. */
  private async addStock(em: EntityManager, productId: string, units: number): Promise<boolean> {
    try {
      const result = await em
        .getConnection()
        .execute<QueryResult>(
          'update products set stock_on_hand = stock_on_hand + ?, updated_at = now() where id = ?',
          [units, productId],
          'run',
        );
      return result.affectedRows > 0;
    } catch (error) {
      if ((error as { code?: string }).code === NUMERIC_VALUE_OUT_OF_RANGE) {
        throw badUserInput('quantity would take the stock beyond the largest storable number', 'quantity');
      }
      throw error;
    }
  }

  private slugTaken() {
    return badUserInput('A category with this slug already exists', 'slug');
  }

  private skuTaken() {
    return badUserInput('A product with this sku already exists', 'sku');
  }
}
