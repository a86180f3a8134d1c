import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createCategory: (_parent, { input }, context) => context.services.catalog.createCategory(context, input),
  createProduct: (_parent, { input }, context) => context.services.catalog.createProduct(context, input),
  restockProduct: (_parent, { id, quantity }, context) =>
    context.services.catalog.restockProduct(context, id, quantity),
};
