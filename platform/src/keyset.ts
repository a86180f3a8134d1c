import type { FilterQuery } from '@mikro-orm/core';
import type { TimeCursor } from './pagination';

/**
 * The rows after `cursor` in a list ordered `createdAt desc, id desc` (keyset pagination: stable
 * under inserts, served by an index on `(…, created_at desc, id desc)`). No cursor: the first page.
 */
export function newestFirstAfter<T extends { createdAt: Date; id: string }>(
  where: FilterQuery<T>,
  cursor: TimeCursor | null,
): FilterQuery<T> {
  if (!cursor) return where;
  return {
    ...(where as object),
    $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }],
  } as FilterQuery<T>;
}
