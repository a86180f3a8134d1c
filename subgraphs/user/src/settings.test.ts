import { ConfigurationError, readSettings } from '@marketplace/platform';
import { userSettings } from './settings';

describe('user settings', () => {
  it('defaults PASSWORD_HASH_COST to 15 and reads it as an integer', () => {
    expect(readSettings(userSettings, {})).toEqual({ passwordHashCost: 15 });
    expect(readSettings(userSettings, { PASSWORD_HASH_COST: '12' })).toEqual({ passwordHashCost: 12 });
  });

  it('refuses a PASSWORD_HASH_COST that is not a sensible integer', () => {
    for (const value of ['cheap', '12.5', '0', '64']) {
      expect(() => readSettings(userSettings, { PASSWORD_HASH_COST: value })).toThrow(ConfigurationError);
    }
  });
});
