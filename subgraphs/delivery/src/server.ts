import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import gql from 'graphql-tag';
import { deliveryMigrations } from '@marketplace/migrations';
import type { SubgraphDefinition } from '@marketplace/platform';
import { createLoaders, type DeliveryServices } from './context';
import { DeliveryService, deliveryOptionsFromEnv } from './delivery.service';
import { DeliverySchema } from './entities/delivery.entity';
import { TrackingEventSchema } from './entities/tracking-event.entity';
import { resolvers } from './resolvers';

export const typeDefs = gql(readFileSync(join(__dirname, '..', 'src', 'schema.graphql'), 'utf8'));

/** The delivery subgraph: shipments of paid orders and their tracking. Building it has no side effects. */
export const deliverySubgraph: SubgraphDefinition<ReturnType<typeof createLoaders>, DeliveryServices> = {
  name: 'delivery',
  typeDefs,
  resolvers,
  entities: [DeliverySchema, TrackingEventSchema],
  migrations: deliveryMigrations,
  createLoaders,
  createServices: () => ({ deliveries: new DeliveryService(deliveryOptionsFromEnv()) }),
};
