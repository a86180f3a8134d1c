import { deliveryMigrations } from '@marketplace/migrations';
import {
  namespaced,
  OutboxMessageSchema,
  ProcessedEventSchema,
  readSubgraphSchema,
  type SubgraphDefinition,
  TOPICS,
} from '@marketplace/platform';
import { createLoaders, type DeliveryServices } from './context';
import { DeliveryService } from './delivery.service';
import { DeliverySchema } from './entities/delivery.entity';
import { TrackingEventSchema } from './entities/tracking-event.entity';
import { deliveryWorkers } from './events';
import { resolvers } from './resolvers';
import { deliverySettings, type DeliverySettings } from './settings';

export const typeDefs = readSubgraphSchema(__dirname);

/**
 * The delivery subgraph: shipments of paid orders and their tracking, created and called off from
 * order events and announced through the outbox. Building it has no side effects; its settings
 * ({@link deliverySettings}) are read from the environment when the service starts.
 */
export const deliverySubgraph: SubgraphDefinition<
  ReturnType<typeof createLoaders>,
  DeliveryServices,
  DeliverySettings
> = {
  name: 'delivery',
  typeDefs,
  resolvers,
  entities: [DeliverySchema, TrackingEventSchema, OutboxMessageSchema, ProcessedEventSchema],
  migrations: deliveryMigrations,
  createLoaders,
  settings: deliverySettings,
  createServices: ({ config, settings }) => ({
    deliveries: new DeliveryService(
      { warehouseAddress: settings.warehouseAddress.trim() },
      namespaced(config, TOPICS.delivery),
    ),
  }),
  workers: deliveryWorkers,
};
