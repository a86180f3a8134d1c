import { DomainError, encodeCursor } from '@marketplace/platform';
import { decodeHistoryCursor, historyCursorKey, historyWindow } from './order-history';

const ID = '3f1b5c1e-8a4d-4d43-9a57-0c1a8d2b7e01';

function badInputField(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('BAD_USER_INPUT');
    return (error as DomainError).details.field;
  }
  throw new Error('expected a BAD_USER_INPUT error');
}

describe('historyWindow', () => {
  const earlier = new Date('2026-11-01T00:00:00Z');
  const later = new Date('2026-11-02T00:00:00Z');

  it('keeps open ends open', () => {
    expect(historyWindow(undefined, null)).toEqual({ from: null, to: null });
    expect(historyWindow(earlier, undefined)).toEqual({ from: earlier, to: null });
  });

  it('accepts an empty period where from equals to', () => {
    expect(historyWindow(earlier, earlier)).toEqual({ from: earlier, to: earlier });
  });

  it('refuses from after to, naming from', () => {
    expect(badInputField(() => historyWindow(later, earlier))).toBe('from');
  });
});

describe('history cursor', () => {
  it('round-trips the sort key of an order', () => {
    const order = { createdAt: new Date('2026-11-01T10:15:30.123Z'), id: ID };
    const cursor = encodeCursor(historyCursorKey(order));
    expect(decodeHistoryCursor(cursor)).toEqual(order);
  });

  it('treats no cursor as the first page', () => {
    expect(decodeHistoryCursor(null)).toBeNull();
    expect(decodeHistoryCursor(undefined)).toBeNull();
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['a wrong arity', encodeCursor(['2026-11-01T10:15:30.123Z'])],
    ['an invalid date', encodeCursor(['yesterday', ID])],
    ['a numeric date', encodeCursor([0, ID])],
    ['a malformed id', encodeCursor(['2026-11-01T10:15:30.123Z', 'x'])],
  ])('refuses %s with BAD_USER_INPUT on after', (_case, cursor) => {
    expect(badInputField(() => decodeHistoryCursor(cursor))).toBe('after');
  });
});
