import { cartMigrations } from '@marketplace/migrations';
import {
  ProcessedEventSchema,
  callLimiterFor,
  readSubgraphSchema,
  ServiceClient,
  type SubgraphDefinition,
} from '@marketplace/platform';
import { CartService } from './cart.service';
import { createLoaders, type CartServices } from './context';
import { CartSchema } from './entities/cart.entity';
import { CartItemSchema } from './entities/cart-item.entity';
import { cartWorkers } from './events';
import { ProductCatalog } from './product-catalog.client';
import { resolvers } from './resolvers';
import { cartSettings, type CartSettings } from './settings';

export const typeDefs = readSubgraphSchema(__dirname);

/**
 * The cart subgraph: each user's cart (`User.cart`) and the mutations that fill it; the products
 * of a placed order leave the cart on `OrderPlaced`. Prices and stock are read from the product
 * subgraph (`PRODUCT_SERVICE_URL`). Building it has no side effects.
 */
export const cartSubgraph: SubgraphDefinition<
  ReturnType<typeof createLoaders>,
  CartServices,
  CartSettings
> = {
  name: 'cart',
  typeDefs,
  resolvers,
  entities: [CartSchema, CartItemSchema, ProcessedEventSchema],
  migrations: cartMigrations,
  createLoaders,
  settings: cartSettings,
  createServices: ({ config, settings, log, metrics }) => {
    const productLimiter = callLimiterFor(config, 'product', settings.productClientRateLimitRps, log);
    const product = new ServiceClient({
      service: 'product',
      url: settings.productServiceUrl,
      config,
      log,
      metrics,
      limiter: productLimiter,
    });
    return { carts: new CartService(config, new ProductCatalog(product)), productLimiter };
  },
  // The limiter is a worker so that stopping the service closes its Redis connection.
  workers: (runtime, services) => [
    ...cartWorkers(runtime, services),
    ...(services.productLimiter ? [services.productLimiter] : []),
  ],
};
