import { orderMigrations } from '@marketplace/migrations';
import {
  createEventWorkers,
  namespaced,
  OutboxMessageSchema,
  ProcessedEventSchema,
  callLimiterFor,
  readSubgraphSchema,
  ServiceClient,
  type SubgraphDefinition,
  TOPICS,
} from '@marketplace/platform';
import { CheckoutService } from './checkout.service';
import { CartClient } from './clients/cart.client';
import { ProductCatalogClient } from './clients/product-catalog.client';
import { createLoaders, type OrderLoaders, type OrderServices } from './context';
import { OrderSchema } from './entities/order.entity';
import { OrderItemSchema } from './entities/order-item.entity';
import { OrderStatusChangeSchema } from './entities/order-status-change.entity';
import { orderSagaHandlers } from './events/order-saga.handlers';
import { OrderExpiryWorker } from './order-expiry.worker';
import { OrderLifecycle } from './order-lifecycle';
import { OrderService } from './order.service';
import { resolvers } from './resolvers';
import { orderSettings, type OrderSettings } from './settings';

export const typeDefs = readSubgraphSchema(__dirname);

/**
 * The order subgraph: orders, their items and status history, checkout, cancellation, the order
 * side of the saga (consuming stock, payment and delivery events; publishing order events through
 * the outbox) and the unpaid-order expiry. Building it has no side effects; its settings
 * ({@link orderSettings}) are read from the environment when the service starts (tests pass
 * overrides to `startTestSubgraph`).
 */
export const orderSubgraph: SubgraphDefinition<OrderLoaders, OrderServices, OrderSettings> = {
  name: 'order',
  typeDefs,
  resolvers,
  entities: [
    OrderSchema,
    OrderItemSchema,
    OrderStatusChangeSchema,
    OutboxMessageSchema,
    ProcessedEventSchema,
  ],
  migrations: orderMigrations,
  createLoaders,
  settings: orderSettings,
  createServices: ({ config, settings, orm, log, metrics }) => {
    const lifecycle = new OrderLifecycle(namespaced(config, TOPICS.order));
    const orders = new OrderService(config.currency, lifecycle);
    const productLimiter = callLimiterFor(config, 'product', settings.productClientRateLimitRps, log);
    const checkout = new CheckoutService(
      orders,
      new CartClient(
        new ServiceClient({ service: 'cart', url: settings.cartServiceUrl, config, log, metrics }),
      ),
      new ProductCatalogClient(
        new ServiceClient({
          service: 'product',
          url: settings.productServiceUrl,
          config,
          log,
          metrics,
          limiter: productLimiter,
        }),
      ),
    );
    const expiry = new OrderExpiryWorker(
      orm,
      lifecycle,
      {
        paymentTimeoutMinutes: settings.paymentTimeoutMinutes,
        sweepIntervalMs: settings.expirySweepMs,
        batchSize: settings.expiryBatchSize,
      },
      log.child({ worker: 'order-expiry' }),
    );
    return { orders, checkout, expiry, productLimiter };
  },
  workers: (runtime, services) => {
    const lifecycle = new OrderLifecycle(namespaced(runtime.config, TOPICS.order));
    const events = createEventWorkers(runtime, {
      publishes: [TOPICS.order],
      consumes: {
        topics: [TOPICS.product, TOPICS.payment, TOPICS.delivery],
        handlers: orderSagaHandlers(lifecycle),
      },
    });
    services.events = events;
    // The limiter is a worker so that stopping the service closes its Redis connection.
    return [
      ...events.workers,
      services.expiry,
      ...(services.productLimiter ? [services.productLimiter] : []),
    ];
  },
};
