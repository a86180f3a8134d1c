import { ServiceClient } from '@marketplace/platform';
import type { CatalogProduct } from '../domain/checkout-snapshot';

const PRODUCTS = /* GraphQL */ `
  query CheckoutProducts($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Product {
        id
        name
        price {
          amount
          currency
        }
      }
    }
  }
`;

interface ProductsData {
  _entities: (CatalogProduct | null)[];
}

/** Reads current product names and prices from the product subgraph, all lines in one request. */
export class ProductCatalogClient {
  private readonly client: ServiceClient;

  /** @param url the product subgraph's GraphQL endpoint (`PRODUCT_SERVICE_URL`). */
  constructor(url: string) {
    this.client = new ServiceClient('product', url);
  }

  /** The products by lower-case id; ids the catalog does not know are absent. */
  async products(ids: readonly string[], authorization: string | null): Promise<Map<string, CatalogProduct>> {
    if (ids.length === 0) return new Map();
    const data = await this.client.request<ProductsData>(
      PRODUCTS,
      { representations: ids.map((id) => ({ __typename: 'Product', id })) },
      authorization,
    );
    const found = new Map<string, CatalogProduct>();
    for (const product of data._entities) if (product) found.set(product.id.toLowerCase(), product);
    return found;
  }
}
