import { setting, type SettingsSpec } from '@marketplace/platform';

/** The delivery service's own settings, read once at start-up (`definition.settings`). */
export interface DeliverySettings {
  /** Where every parcel leaves from. */
  warehouseAddress: string;
}

export const DEFAULT_WAREHOUSE_ADDRESS = 'Marketplace warehouse, 1 Flower St, Moscow';

export const deliverySettings: SettingsSpec<DeliverySettings> = {
  warehouseAddress: setting.string(
    'WAREHOUSE_ADDRESS',
    'the address every parcel leaves from',
    DEFAULT_WAREHOUSE_ADDRESS,
  ),
};
