import { ConfigurationError, readSettings } from '@marketplace/platform';
import { paymentSettings } from './settings';

describe('payment settings', () => {
  it('waits up to 5 s for the read model by default, and reads PAYMENT_ORDER_SYNC_WAIT_MS', () => {
    expect(readSettings(paymentSettings, {})).toMatchObject({ orderSyncWaitMs: 5_000 });
    expect(readSettings(paymentSettings, { PAYMENT_ORDER_SYNC_WAIT_MS: '0' })).toMatchObject({
      orderSyncWaitMs: 0,
    });
  });

  it('asks the order subgraph at ORDER_SERVICE_URL, by default the local one', () => {
    expect(readSettings(paymentSettings, {}).orderServiceUrl).toBe('http://127.0.0.1:4004/graphql');
  });

  it.each(['soon', '-1', '2.5'])('refuses PAYMENT_ORDER_SYNC_WAIT_MS=%s', (value) => {
    expect(() => readSettings(paymentSettings, { PAYMENT_ORDER_SYNC_WAIT_MS: value })).toThrow(
      ConfigurationError,
    );
  });
});
