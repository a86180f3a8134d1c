import { validateNewProduct } from '../domain/product-input';
import { validateNewCategory } from '../domain/category-input';
import { DEMO_CATALOG } from './demo-catalog';

describe('demo catalog', () => {
  const products = DEMO_CATALOG.flatMap((category) => category.products);

  it('has at least 50 products in at least 5 categories', () => {
    expect(DEMO_CATALOG.length).toBeGreaterThanOrEqual(5);
    expect(products.length).toBeGreaterThanOrEqual(50);
    expect(DEMO_CATALOG.every((category) => category.products.length > 0)).toBe(true);
  });

  it('has unique skus and slugs that pass the same validation as createProduct', () => {
    expect(new Set(products.map((product) => product.sku)).size).toBe(products.length);
    expect(new Set(DEMO_CATALOG.map((category) => category.slug)).size).toBe(DEMO_CATALOG.length);
    for (const category of DEMO_CATALOG) {
      expect(validateNewCategory(category)).toEqual({
        slug: category.slug,
        name: category.name,
        description: category.description,
      });
      for (const product of category.products) {
        const valid = validateNewProduct({ ...product, categoryId: '00000000-0000-4000-8000-000000000000' });
        expect(valid).toMatchObject({ sku: product.sku, name: product.name, price: product.price });
        expect(product.price).toBeGreaterThan(0);
      }
    }
  });
});
