import { isId } from '@marketplace/platform';

/**
 * The products of an `OrderPlaced` whose lines leave the buyer's cart: each once, lower-case as
 * stored. An id that is not a UUID cannot be in any cart, so it is dropped rather than sent to
 * the database.
 */
export function orderedProductIds(items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  const ids = (items as { productId?: unknown }[])
    .map((item) => item?.productId)
    .filter(isId)
    .map((id) => id.toLowerCase());
  return [...new Set(ids)];
}
