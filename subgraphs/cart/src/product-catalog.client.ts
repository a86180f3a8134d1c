import DataLoader from 'dataloader';
import type { Money, ServiceClient } from '@marketplace/platform';

/** What the cart needs to know about a product. */
export interface CatalogProduct {
  id: string;
  name: string;
  price: Money;
  /** Units that can still be bought. */
  available: number;
}

interface CatalogEntity {
  id: string;
  name: string;
  price: Money;
  stock: { available: number };
}

/** Largest number of products asked for in one HTTP call. */
export const MAX_PRODUCTS_PER_CALL = 200;

/**
 * Reads prices and stock from the product subgraph through its `_entities` entry point, exactly
 * as the gateway would. The caller's `Authorization` header is forwarded, so the product
 * subgraph applies the caller's own permissions.
 */
export class ProductCatalog {
  /** @param client the product subgraph (`PRODUCT_SERVICE_URL`, bounded by `SERVICE_TIMEOUT_MS`). */
  constructor(private readonly client: ServiceClient) {}

  /**
   * Products by id in key order, `null` for ids the catalog does not know. One HTTP call,
   * abandoned when `signal` (the caller's request) aborts.
   */
  async fetch(
    ids: readonly string[],
    authorization: string | null,
    signal?: AbortSignal,
  ): Promise<(CatalogProduct | null)[]> {
    const entities = await this.client.entities<CatalogEntity>(
      'Product',
      ids,
      'id name price { amount currency } stock { available }',
      authorization,
      signal,
    );
    return entities.map((entity) =>
      entity
        ? { id: entity.id, name: entity.name, price: entity.price, available: entity.stock.available }
        : null,
    );
  }

  /**
   * A per-request loader: every product a request needs (all cart lines, the total, a
   * mutation's stock check) is fetched in one batched call and then served from its cache.
   */
  createLoader(
    authorization: string | null,
    signal?: AbortSignal,
  ): DataLoader<string, CatalogProduct | null> {
    return new DataLoader((ids) => this.fetch(ids, authorization, signal), {
      maxBatchSize: MAX_PRODUCTS_PER_CALL,
    });
  }
}
