import { DateTimeScalar, parseTimestamp } from './scalars';

describe('DateTime', () => {
  it.each([
    ['2026-11-21T10:15:30.123Z', '2026-11-21T10:15:30.123Z'],
    ['2026-11-21', '2026-11-21T00:00:00.000Z'],
    ['2026-11-21T10:15', '2026-11-21T10:15:00.000Z'],
    ['2026-11-21T10:15:30+03:00', '2026-11-21T07:15:30.000Z'],
    ['2026-11-21T10:15:30-0130', '2026-11-21T11:45:30.000Z'],
    ['2026-11-21T10:15:30.123456789Z', '2026-11-21T10:15:30.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ])('reads %s', (value, iso) => {
    expect(parseTimestamp(value)?.toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2026-13-45',
    '0000-01-01',
    '2026-02-30',
    '2025-02-29',
    '2026-04-31',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60:00Z',
    '2026-01-01T10:00:00+24:00',
    '1',
    '',
    '+275760-09-13T00:00:00Z',
    '0001-01-01T00:00:00+01:00',
    '9999-12-31T23:00:00-02:00',
  ])('refuses %j, which Date or PostgreSQL would misread or reject', (value) => {
    expect(parseTimestamp(value)).toBeNull();
    expect(() => DateTimeScalar.parseValue(value)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });
});
