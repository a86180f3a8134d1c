import { EntitySchema } from '@mikro-orm/postgresql';
import { newId, type Money } from '@marketplace/platform';
import { Category } from './category.entity';

/**
 * A product for sale. Stock is split into what is on the shelf and what pending orders have
 * reserved; only the difference can be sold. The database enforces
 * `0 <= stockReserved <= stockOnHand` and a non-negative price, so no code path can oversell.
 * Available stock is `stockOnHand - stockReserved`.
 */
export class Product {
  id: string = newId();
  /** Stock-keeping unit, unique, stored upper-case. */
  sku: string;
  name: string;
  description: string;
  /** Price in minor units (kopecks). */
  priceAmount: number;
  /** ISO 4217 code of `priceAmount`. */
  priceCurrency: string;
  category: Category;
  stockOnHand: number;
  /** Units held for orders not yet shipped. Default 0. */
  stockReserved = 0;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();

  constructor(
    sku: string,
    name: string,
    description: string,
    price: Money,
    category: Category,
    stockOnHand: number,
  ) {
    this.sku = sku;
    this.name = name;
    this.description = description;
    this.priceAmount = price.amount;
    this.priceCurrency = price.currency;
    this.category = category;
    this.stockOnHand = stockOnHand;
  }
}

/**
 * Name of the search index. With pg_trgm it is a trigram GIN index that serves `name ILIKE '%…%'`;
 * on a server without the extension the migration creates a plain index under the same name, so
 * the schema stays identical everywhere and search falls back to a scan.
 */
export const PRODUCT_NAME_SEARCH_INDEX = 'products_name_search_index';

export const ProductSchema = new EntitySchema<Product>({
  class: Product,
  tableName: 'products',
  properties: {
    id: { type: 'uuid', primary: true },
    sku: { type: 'string', length: 64, unique: 'products_sku_unique' },
    name: { type: 'string', length: 200 },
    description: { type: 'text', default: '' },
    priceAmount: { type: 'integer' },
    priceCurrency: { type: 'string', length: 3 },
    category: { kind: 'm:1', entity: () => Category },
    stockOnHand: { type: 'integer' },
    stockReserved: { type: 'integer', default: 0 },
    // Millisecond precision, like a JS Date, so a `NEWEST` cursor matches the stored value exactly.
    createdAt: { type: 'datetime', length: 3, defaultRaw: 'now()' },
    updatedAt: { type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() },
  },
  indexes: [
    // Keyset pagination: each sort order walks one of these, the id breaking ties.
    { name: 'products_name_id_index', properties: ['name', 'id'] },
    { name: 'products_price_amount_id_index', properties: ['priceAmount', 'id'] },
    { name: 'products_created_at_id_index', properties: ['createdAt', 'id'] },
    // A category page sorted by name; also covers the foreign key.
    { name: 'products_category_id_name_id_index', properties: ['category', 'name', 'id'] },
    {
      name: PRODUCT_NAME_SEARCH_INDEX,
      expression: `create index ${PRODUCT_NAME_SEARCH_INDEX} on products using gin (name gin_trgm_ops)`,
    },
  ],
  checks: [
    { name: 'products_price_amount_check', expression: 'price_amount >= 0' },
    { name: 'products_stock_reserved_check', expression: 'stock_reserved >= 0' },
    { name: 'products_stock_on_hand_check', expression: 'stock_on_hand >= stock_reserved' },
  ],
});
