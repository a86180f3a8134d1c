import { decodeTimeCursor, encodeCursor, timeCursorKey } from './pagination';

describe('time cursor', () => {
  it('round-trips a (createdAt, id) position', () => {
    const position = {
      createdAt: new Date('2026-11-21T10:15:30.123Z'),
      id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    };
    expect(decodeTimeCursor(encodeCursor(timeCursorKey(position)))).toEqual(position);
  });

  it('reads no cursor as the first page', () => {
    expect(decodeTimeCursor(undefined)).toBeNull();
    expect(decodeTimeCursor(null)).toBeNull();
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['a bad date', encodeCursor(['yesterday', '1b4e28ba-2fa1-41d2-883f-0016d3cca427'])],
    ['a bad id', encodeCursor(['2026-11-21T10:15:30.123Z', 'x'])],
    ['a number date', encodeCursor([5, '1b4e28ba-2fa1-41d2-883f-0016d3cca427'])],
    // Dates `Date` reads but PostgreSQL cannot hold or never issued: they failed in SQL.
    ['a year zero', encodeCursor(['0000-01-01T00:00:00.000Z', '1b4e28ba-2fa1-41d2-883f-0016d3cca427'])],
    ['a bare number as a date', encodeCursor(['1', '1b4e28ba-2fa1-41d2-883f-0016d3cca427'])],
  ])('refuses %s as BAD_USER_INPUT on after', (_case, cursor) => {
    expect(() => decodeTimeCursor(cursor)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'after' } }),
    );
  });
});
