import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  order: (_parent, { id }, context) => context.services.orders.findOrder(context, id),
};
