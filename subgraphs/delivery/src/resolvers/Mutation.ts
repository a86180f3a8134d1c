import { requireAdmin } from '@marketplace/platform';
import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  dispatchDelivery: (_parent, { id }, context) => {
    requireAdmin(context.viewer);
    return context.services.deliveries.dispatch(context, id);
  },
  completeDelivery: (_parent, { id }, context) => {
    requireAdmin(context.viewer);
    return context.services.deliveries.complete(context, id);
  },
};
