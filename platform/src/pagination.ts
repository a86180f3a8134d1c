import { badUserInput } from './errors';
import { isId } from './ids';
import { parseTimestamp } from './scalars';

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Validates `first`: 1..100, default 20. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

/** Cursor = opaque base64url of the sort key tuple of the last row seen. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      return key as (string | number)[];
    }
  } catch {
    // fall through to the client error below
  }
  throw badUserInput('after is not a valid cursor', 'after');
}

/**
 * Builds a connection from `limit + 1` fetched rows (the extra row only tells whether a next
 * page exists).
 */
export function toConnection<T>(
  rows: T[],
  limit: number,
  totalCount: number,
  cursorKey: (row: T) => (string | number)[],
  hasPreviousPage: boolean,
): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorKey(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** A keyset position in a list ordered by `(createdAt, id)`. */
export interface TimeCursor {
  createdAt: Date;
  id: string;
}

/** The cursor key of a row, for `toConnection`. */
export const timeCursorKey = (row: TimeCursor): [string, string] => [row.createdAt.toISOString(), row.id];

/** Decodes `after` of a `(createdAt, id)` list; anything this service did not issue is `BAD_USER_INPUT`. */
export function decodeTimeCursor(after: string | null | undefined): TimeCursor | null {
  const key = decodeCursor(after, 2);
  if (key === null) return null;
  const [createdAt, id] = key;
  // Strict: a time the database cannot hold (year 0) must be refused here, not fail in SQL.
  const date = typeof createdAt === 'string' ? parseTimestamp(createdAt) : null;
  if (!date || !isId(id)) throw badUserInput('after is not a valid cursor', 'after');
  return { createdAt: date, id: id.toLowerCase() };
}
