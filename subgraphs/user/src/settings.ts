import { setting, type SettingsSpec } from '@marketplace/platform';

/** The user service's own settings, read once at start-up (`definition.settings`). */
export interface UserSettings {
  /** scrypt cost of new password hashes, as log2 N. */
  passwordHashCost: number;
}

export const userSettings: SettingsSpec<UserSettings> = {
  passwordHashCost: setting.integer(
    'PASSWORD_HASH_COST',
    'scrypt cost as log2 N (2^15 ≈ 32 MiB, tens of ms per hash)',
    15,
    { min: 1, max: 20 },
  ),
};
