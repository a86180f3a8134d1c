import { serviceUrlSetting, setting, type SettingsSpec } from '@marketplace/platform';

/** The payment service's own settings, read once at start-up (`definition.settings`). */
export interface PaymentSettings {
  /** How long `payOrder` waits for the payable-order read model to catch up, in ms. */
  orderSyncWaitMs: number;
  /** The order subgraph, asked whether an order unknown here exists at all. */
  orderServiceUrl: string;
}

export const paymentSettings: SettingsSpec<PaymentSettings> = {
  orderSyncWaitMs: setting.integer(
    'PAYMENT_ORDER_SYNC_WAIT_MS',
    'how long `payOrder` waits for an order it has not yet seen become payable, in ms',
    5_000,
  ),
  orderServiceUrl: serviceUrlSetting('order'),
};
