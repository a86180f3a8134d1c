import { MAX_ADDRESS_LENGTH, validateDestination } from './destination';

describe('destination', () => {
  it('trims and collapses whitespace', () => {
    expect(validateDestination('  12 Rose St,\n  Kazan ')).toBe('12 Rose St, Kazan');
  });

  it.each([
    ['blank', '   '],
    ['too long', 'x'.repeat(MAX_ADDRESS_LENGTH + 1)],
  ])('refuses a %s address as BAD_USER_INPUT on destination', (_case, address) => {
    expect(() => validateDestination(address)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'destination' } }),
    );
  });
});
