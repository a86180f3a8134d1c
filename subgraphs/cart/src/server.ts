import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import gql from 'graphql-tag';
import { cartMigrations } from '@marketplace/migrations';
import type { SubgraphDefinition } from '@marketplace/platform';
import { CartService } from './cart.service';
import { createLoaders, type CartServices } from './context';
import { CartSchema } from './entities/cart.entity';
import { CartItemSchema } from './entities/cart-item.entity';
import { ProductCatalog } from './product-catalog.client';
import { resolvers } from './resolvers';

export const typeDefs = gql(readFileSync(join(__dirname, '..', 'src', 'schema.graphql'), 'utf8'));

/**
 * The cart subgraph: each user's cart (`User.cart`) and the mutations that fill it. Prices and
 * stock are read from the product subgraph (`PRODUCT_SERVICE_URL`). Building it has no side effects.
 */
export const cartSubgraph: SubgraphDefinition<ReturnType<typeof createLoaders>, CartServices> = {
  name: 'cart',
  typeDefs,
  resolvers,
  entities: [CartSchema, CartItemSchema],
  migrations: cartMigrations,
  createLoaders,
  createServices: ({ config }) => ({ carts: new CartService(config, ProductCatalog.fromEnvironment()) }),
};
