import { authorize } from '@marketplace/platform';
import type { MutationResolvers } from '../generated/graphql';

// Staff actions: administrators only, even the buyer may not move their own parcel.
export const Mutation: MutationResolvers = {
  dispatchDelivery: authorize('admin', (_parent, { id }, context) =>
    context.services.deliveries.dispatch(context, id),
  ),
  completeDelivery: authorize('admin', (_parent, { id }, context) =>
    context.services.deliveries.complete(context, id),
  ),
};
