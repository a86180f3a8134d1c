import {
  badUserInput,
  decodeCursor,
  encodeCursor,
  isId,
  parseId,
  parseTimestamp,
} from '@marketplace/platform';

export type ProductSortOrder = 'NAME_ASC' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST';

export interface ProductFilterFields {
  search?: string | null;
  categoryId?: string | null;
  categorySlug?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  inStock?: boolean | null;
}

/** A checked filter; `null` means "no condition". */
export interface ValidProductFilter {
  /** A `LIKE` pattern (wildcards in the user's text escaped), matched case-insensitively. */
  namePattern: string | null;
  categoryId: string | null;
  categorySlug: string | null;
  minPrice: number | null;
  maxPrice: number | null;
  inStock: boolean | null;
}

export const MAX_SEARCH_LENGTH = 100;

/** Escapes `LIKE` wildcards so the user's `%` and `_` match themselves (escape character `\`). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);

function checkPrice(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw badUserInput(`${field} must not be negative`, field);
  return value;
}

/** Checks a `ProductFilter`; failures are `BAD_USER_INPUT` naming the field. */
export function validateProductFilter(filter: ProductFilterFields | null | undefined): ValidProductFilter {
  const search = filter?.search?.trim() ?? '';
  if (search.length > MAX_SEARCH_LENGTH) {
    throw badUserInput(`search must be at most ${MAX_SEARCH_LENGTH} characters`, 'search');
  }
  const minPrice = checkPrice(filter?.minPrice, 'minPrice');
  const maxPrice = checkPrice(filter?.maxPrice, 'maxPrice');
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) {
    throw badUserInput('maxPrice must not be less than minPrice', 'maxPrice');
  }
  const categoryId = filter?.categoryId;
  const categorySlug = filter?.categorySlug?.trim().toLowerCase();
  return {
    namePattern: search ? `%${escapeLike(search)}%` : null,
    categoryId: categoryId === null || categoryId === undefined ? null : parseId(categoryId, 'categoryId'),
    categorySlug: categorySlug || null,
    minPrice,
    maxPrice,
    inStock: filter?.inStock ?? null,
  };
}

/** What the sort orders read of a product. */
export interface SortableProduct {
  id: string;
  name: string;
  priceAmount: number;
  createdAt: Date;
}

export interface SortSpec {
  /** Entity property and its column. */
  property: 'name' | 'priceAmount' | 'createdAt';
  column: 'name' | 'price_amount' | 'created_at';
  direction: 'asc' | 'desc';
  /** SQL cast of the key parameter in the keyset condition. */
  cast: 'text' | 'int' | 'timestamptz';
  key(product: SortableProduct): string | number;
}

export const SORTS: Record<ProductSortOrder, SortSpec> = {
  NAME_ASC: { property: 'name', column: 'name', direction: 'asc', cast: 'text', key: (p) => p.name },
  PRICE_ASC: {
    property: 'priceAmount',
    column: 'price_amount',
    direction: 'asc',
    cast: 'int',
    key: (p) => p.priceAmount,
  },
  PRICE_DESC: {
    property: 'priceAmount',
    column: 'price_amount',
    direction: 'desc',
    cast: 'int',
    key: (p) => p.priceAmount,
  },
  NEWEST: {
    property: 'createdAt',
    column: 'created_at',
    direction: 'desc',
    cast: 'timestamptz',
    key: (p) => p.createdAt.toISOString(),
  },
};

/**
 * A cursor is `[sort, key, id]`: the sort order it belongs to (a cursor of another order is
 * refused rather than silently misread), the sort key of the last row and its id.
 */
export const productCursorKey = (sort: ProductSortOrder, product: SortableProduct): (string | number)[] => [
  sort,
  SORTS[sort].key(product),
  product.id,
];

export const productCursor = (sort: ProductSortOrder, product: SortableProduct): string =>
  encodeCursor(productCursorKey(sort, product));

export interface CursorPosition {
  key: string | number;
  id: string;
}

/** Largest value of the `int` price column; a bigger key would fail in SQL, not as a client error. */
const MAX_INT = 2 ** 31 - 1;

const keyFits = (spec: SortSpec, key: string | number): boolean => {
  if (spec.cast === 'int') return Number.isSafeInteger(key) && Math.abs(key as number) <= MAX_INT;
  if (typeof key !== 'string') return false;
  return spec.cast === 'text' || parseTimestamp(key) !== null;
};

/** Decodes `after` for `sort`; a malformed cursor or one from another order is `BAD_USER_INPUT`. */
export function decodeProductCursor(
  after: string | null | undefined,
  sort: ProductSortOrder,
): CursorPosition | null {
  const decoded = decodeCursor(after, 3);
  if (decoded === null) return null;
  const [order, key, id] = decoded;
  if (order !== sort || !keyFits(SORTS[sort], key) || !isId(id)) {
    throw badUserInput('after is not a valid cursor for this sort order', 'after');
  }
  return { key, id: id.toLowerCase() };
}
