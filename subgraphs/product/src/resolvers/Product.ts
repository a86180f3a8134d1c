import { notFound, referenceId } from '@marketplace/platform';
import type { ProductResolvers } from '../generated/graphql';

export const Product: ProductResolvers = {
  // The catalog is public: anyone (and the gateway on anyone's behalf) may resolve a product.
  // Unknown or malformed ids resolve to null, as for `product(id)`.
  __resolveReference: (reference, context) => {
    const id = referenceId(reference);
    return id ? context.loaders.productById.load(id) : null;
  },
  price: (product) => ({ amount: product.priceAmount, currency: product.priceCurrency }),
  stock: (product) => ({
    onHand: product.stockOnHand,
    reserved: product.stockReserved,
    available: product.stockOnHand - product.stockReserved,
  }),
  // Batched across every product in the response: one query for all their categories.
  category: async (product, _args, context) => {
    const category = await context.loaders.categoryById.load(product.category.id);
    if (!category) throw notFound('Category', product.category.id);
    return category;
  },
};
