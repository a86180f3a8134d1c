import type { EntityManager } from '@mikro-orm/postgresql';
import { Category } from '../entities/category.entity';
import { Product } from '../entities/product.entity';
import { DEMO_CATALOG } from './demo-catalog';

/**
 * Inserts `DEMO_CATALOG` when the product table is empty, in one transaction. A transaction-scoped
 * advisory lock makes replicas starting at once take turns: the first seeds, the others then see
 * products and do nothing. Categories that already exist (by slug) are reused.
 */
export async function seedDemoCatalog(em: EntityManager, currency: string): Promise<number> {
  return em.fork().transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(hashtext('product-demo-catalog-seed'))`);
    if ((await tx.count(Product, {})) > 0) return 0;
    const existing = await tx.find(Category, { slug: DEMO_CATALOG.map((category) => category.slug) });
    const bySlug = new Map(existing.map((category) => [category.slug, category]));
    let inserted = 0;
    for (const demo of DEMO_CATALOG) {
      const category = bySlug.get(demo.slug) ?? new Category(demo.slug, demo.name, demo.description);
      tx.persist(category);
      for (const item of demo.products) {
        const price = { amount: item.price, currency };
        tx.persist(new Product(item.sku, item.name, item.description, price, category, item.stock));
        inserted += 1;
      }
    }
    await tx.flush();
    return inserted;
  });
}
