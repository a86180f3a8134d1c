import { badUserInput, decodeCursor, isId } from '@marketplace/platform';

/** A keyset position in a list ordered by `(createdAt, id)`. */
export interface TimeCursor {
  createdAt: Date;
  id: string;
}

/** The cursor key of a row, for `toConnection`. */
export const timeCursorKey = (row: TimeCursor): [string, string] => [row.createdAt.toISOString(), row.id];

/** Decodes `after`; anything that is not a cursor this service issued is `BAD_USER_INPUT`. */
export function decodeTimeCursor(after: string | null | undefined): TimeCursor | null {
  const key = decodeCursor(after, 2);
  if (key === null) return null;
  const [createdAt, id] = key;
  const date = typeof createdAt === 'string' ? new Date(createdAt) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || !isId(id)) throw badUserInput('after is not a valid cursor', 'after');
  return { createdAt: date, id };
}
