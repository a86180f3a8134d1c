import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import gql from 'graphql-tag';
import { orderMigrations } from '@marketplace/migrations';
import type { SubgraphDefinition } from '@marketplace/platform';
import { createLoaders, type OrderLoaders, type OrderServices } from './context';
import { OrderSchema } from './entities/order.entity';
import { OrderItemSchema } from './entities/order-item.entity';
import { OrderStatusChangeSchema } from './entities/order-status-change.entity';
import { OrderService } from './order.service';
import { resolvers } from './resolvers';

export const typeDefs = gql(readFileSync(join(__dirname, '..', 'src', 'schema.graphql'), 'utf8'));

/** The order subgraph: orders, their items and status history. Building it has no side effects. */
export const orderSubgraph: SubgraphDefinition<OrderLoaders, OrderServices> = {
  name: 'order',
  typeDefs,
  resolvers,
  entities: [OrderSchema, OrderItemSchema, OrderStatusChangeSchema],
  migrations: orderMigrations,
  createLoaders,
  createServices: ({ config }) => ({ orders: new OrderService(config.currency) }),
};
