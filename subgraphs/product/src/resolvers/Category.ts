import { referenceId } from '@marketplace/platform';
import type { CategoryResolvers } from '../generated/graphql';

export const Category: CategoryResolvers = {
  // Categories are public; an id that cannot exist resolves to null.
  __resolveReference: (reference, context) => {
    const id = referenceId(reference);
    return id ? context.loaders.categoryById.load(id) : null;
  },
  products: (category, { first, after }, context) =>
    context.services.catalog.listProducts(context, { filter: { categoryId: category.id }, first, after }),
};
