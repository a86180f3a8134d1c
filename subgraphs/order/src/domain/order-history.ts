import { badUserInput, decodeTimeCursor } from '@marketplace/platform';

/** The half-open period `[from, to)` of an order-history query; either end may be open. */
export interface HistoryWindow {
  from: Date | null;
  to: Date | null;
}

/** Position after which the next page starts: the last order seen, by `(createdAt desc, id asc)`. */
export interface HistoryCursor {
  createdAt: Date;
  id: string;
}

/** Validates the period: `from` after `to` is a client mistake, `from == to` is simply empty. */
export function historyWindow(from: Date | null | undefined, to: Date | null | undefined): HistoryWindow {
  const window = { from: from ?? null, to: to ?? null };
  if (window.from && window.to && window.from.getTime() > window.to.getTime()) {
    throw badUserInput('from must not be after to', 'from');
  }
  return window;
}

/** The sort key a page cursor encodes (pass to `toConnection`); `decodeHistoryCursor` reads it back. */
export const historyCursorKey = (order: HistoryCursor): [string, string] => [
  order.createdAt.toISOString(),
  order.id,
];

/** Decodes `after`; anything but a cursor this service issued is `BAD_USER_INPUT` on `after`. */
export const decodeHistoryCursor = (after: string | null | undefined): HistoryCursor | null =>
  decodeTimeCursor(after);
