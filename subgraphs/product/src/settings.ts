import { setting, type SettingsSpec } from '@marketplace/platform';

/** The product service's own settings, read once at start-up (`definition.settings`). */
export interface ProductSettings {
  /** Seed the demo catalog into an empty product table on start. */
  seedDemoData: boolean;
}

export const productSettings: SettingsSpec<ProductSettings> = {
  seedDemoData: setting.boolean(
    'SEED_DEMO_DATA',
    'seed the demo catalog when the product table is empty',
    true,
  ),
};
