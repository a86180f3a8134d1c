import { parseId, requireAdmin, requireOwnerOrAdmin, requireViewer } from '@marketplace/platform';
import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  delivery: async (_parent, { id }, context) => {
    requireViewer(context.viewer);
    const delivery = await context.loaders.deliveryById.load(parseId(id));
    if (delivery) requireOwnerOrAdmin(context.viewer, delivery.userId);
    return delivery;
  },
  deliveries: (_parent, args, context) => {
    requireAdmin(context.viewer);
    return context.services.deliveries.list(context, args);
  },
};
