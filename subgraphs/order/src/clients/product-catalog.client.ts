import type { ServiceClient } from '@marketplace/platform';
import type { CatalogProduct } from '../domain/checkout-snapshot';

/** Reads current product names and prices from the product subgraph, all lines in one request. */
export class ProductCatalogClient {
  /** @param client the product subgraph (`PRODUCT_SERVICE_URL`). */
  constructor(private readonly client: ServiceClient) {}

  /** The products by lower-case id; ids the catalog does not know are absent. */
  async products(
    ids: readonly string[],
    authorization: string | null,
    signal?: AbortSignal,
  ): Promise<Map<string, CatalogProduct>> {
    const products = await this.client.entities<CatalogProduct>(
      'Product',
      ids,
      'id name price { amount currency }',
      authorization,
      signal,
    );
    const found = new Map<string, CatalogProduct>();
    for (const product of products) if (product) found.set(product.id.toLowerCase(), product);
    return found;
  }
}
