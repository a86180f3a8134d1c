import { authorize } from '@marketplace/platform';
import type { MutationResolvers } from '../generated/graphql';

/** Editing the catalog is for administrators only. */
export const Mutation: MutationResolvers = {
  createCategory: authorize('admin', (_parent, { input }, context) =>
    context.services.catalog.createCategory(context, input),
  ),
  createProduct: authorize('admin', (_parent, { input }, context) =>
    context.services.catalog.createProduct(context, input),
  ),
  restockProduct: authorize('admin', (_parent, { id, quantity }, context) =>
    context.services.catalog.restockProduct(context, id, quantity),
  ),
};
