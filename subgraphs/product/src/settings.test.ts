import { ConfigurationError, readSettings } from '@marketplace/platform';
import { productSettings } from './settings';

describe('product settings', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads SEED_DEMO_DATA=%p as %p', (value, expected) => {
    expect(readSettings(productSettings, { SEED_DEMO_DATA: value })).toEqual({ seedDemoData: expected });
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => readSettings(productSettings, { SEED_DEMO_DATA: 'yes please' })).toThrow(ConfigurationError);
    expect(() => readSettings(productSettings, { SEED_DEMO_DATA: 'yes please' })).toThrow(/SEED_DEMO_DATA/);
  });
});
