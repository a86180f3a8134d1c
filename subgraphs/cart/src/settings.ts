import { clientRateLimitSetting, serviceUrlSetting, type SettingsSpec } from '@marketplace/platform';

/** The cart service's own settings, read once at start-up (`definition.settings`). */
export interface CartSettings {
  /** The product subgraph the cart reads prices and stock from. */
  productServiceUrl: string;
  /** Calls per second to the product subgraph, all cart and order replicas together (0: unlimited). */
  productClientRateLimitRps: number;
}

export const cartSettings: SettingsSpec<CartSettings> = {
  productServiceUrl: serviceUrlSetting('product'),
  productClientRateLimitRps: clientRateLimitSetting('product'),
};
