import { parseId } from '@marketplace/platform';
import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  products: (_parent, { filter, sort, first, after }, context) =>
    context.services.catalog.listProducts(context, { filter, sort, first, after }),
  product: (_parent, { id }, context) => context.loaders.productById.load(parseId(id)),
  categories: (_parent, _args, context) => context.services.catalog.categories(context),
  category: (_parent, { slug }, context) => context.services.catalog.categoryBySlug(context, slug),
};
