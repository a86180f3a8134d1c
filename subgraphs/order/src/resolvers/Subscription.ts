import { GraphQLError } from 'graphql';
import type { SubscriptionResolvers } from '../generated/graphql';

/**
 * The subscription fields live in this SDL so they are part of the supergraph and its checks,
 * but the gateway serves them (graphql-ws, sourced from the order events on Kafka). A client
 * that reaches the subgraph directly gets a clear error instead of a hanging stream.
 */
const servedByGateway = (): never => {
  throw new GraphQLError('Subscriptions are served by the gateway over graphql-ws', {
    extensions: { code: 'BAD_REQUEST' },
  });
};

export const Subscription: SubscriptionResolvers = {
  orderStatusChanged: { subscribe: servedByGateway },
  myOrderUpdates: { subscribe: servedByGateway },
};
