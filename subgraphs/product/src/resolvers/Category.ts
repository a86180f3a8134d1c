import { isId } from '@marketplace/platform';
import type { CategoryResolvers } from '../generated/graphql';

export const Category: CategoryResolvers = {
  __resolveReference: (reference, context) =>
    isId(reference.id) ? context.loaders.categoryById.load(reference.id.toLowerCase()) : null,
  products: (category, { first, after }, context) =>
    context.services.catalog.listProducts(context, { filter: { categoryId: category.id }, first, after }),
};
