import { clientRateLimitSetting, serviceUrlSetting, setting, type SettingsSpec } from '@marketplace/platform';

/** The order service's own settings, read once at start-up (`definition.settings`). */
export interface OrderSettings {
  /** Minutes an order may stay unpaid (PENDING or AWAITING_PAYMENT) before the sweep cancels it. */
  paymentTimeoutMinutes: number;
  /** Pause between two expiry sweeps in ms; `0` turns the background sweep off. */
  expirySweepMs: number;
  /** Orders the sweep cancels per transaction. */
  expiryBatchSize: number;
  /** The cart subgraph checkout reads the cart from. */
  cartServiceUrl: string;
  /** The product subgraph checkout reads current names and prices from. */
  productServiceUrl: string;
  /** Calls per second to the product subgraph, all cart and order replicas together (0: unlimited). */
  productClientRateLimitRps: number;
}

export const orderSettings: SettingsSpec<OrderSettings> = {
  paymentTimeoutMinutes: setting.number(
    'ORDER_PAYMENT_TIMEOUT_MINUTES',
    'minutes an order may stay unpaid before the expiry sweep cancels it (`PAYMENT_TIMEOUT`)',
    10,
  ),
  expirySweepMs: setting.integer(
    'ORDER_EXPIRY_SWEEP_MS',
    'pause between expiry sweeps in ms; `0` turns the background sweep off',
    30_000,
  ),
  expiryBatchSize: setting.integer(
    'ORDER_EXPIRY_BATCH_SIZE',
    'unpaid orders the expiry sweep cancels per transaction',
    100,
    { min: 1, max: 10_000 },
  ),
  cartServiceUrl: serviceUrlSetting('cart'),
  productServiceUrl: serviceUrlSetting('product'),
  productClientRateLimitRps: clientRateLimitSetting('product'),
};
