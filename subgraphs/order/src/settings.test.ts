import { ConfigurationError, readSettings } from '@marketplace/platform';
import { orderSettings } from './settings';

describe('order settings', () => {
  it('defaults to a 10 minute payment window swept every 30 s, and the local services', () => {
    expect(readSettings(orderSettings, {})).toEqual({
      paymentTimeoutMinutes: 10,
      expirySweepMs: 30_000,
      expiryBatchSize: 100,
      cartServiceUrl: 'http://127.0.0.1:4003/graphql',
      productServiceUrl: 'http://127.0.0.1:4002/graphql',
      productClientRateLimitRps: 0,
    });
  });

  it('reads every setting from the environment', () => {
    expect(
      readSettings(orderSettings, {
        ORDER_PAYMENT_TIMEOUT_MINUTES: '2.5',
        ORDER_EXPIRY_SWEEP_MS: '0',
        ORDER_EXPIRY_BATCH_SIZE: '7',
        CART_SERVICE_URL: 'http://cart:4003/graphql',
        PRODUCT_SERVICE_URL: 'http://product:4002/graphql',
        PRODUCT_CLIENT_RATE_LIMIT_RPS: '10',
      }),
    ).toEqual({
      paymentTimeoutMinutes: 2.5,
      expirySweepMs: 0,
      expiryBatchSize: 7,
      cartServiceUrl: 'http://cart:4003/graphql',
      productServiceUrl: 'http://product:4002/graphql',
      productClientRateLimitRps: 10,
    });
  });

  it.each([
    ['ORDER_PAYMENT_TIMEOUT_MINUTES', '0'],
    ['ORDER_PAYMENT_TIMEOUT_MINUTES', 'ten'],
    ['ORDER_EXPIRY_SWEEP_MS', '-1'],
    ['ORDER_EXPIRY_SWEEP_MS', '1.5'],
    ['ORDER_EXPIRY_BATCH_SIZE', '0'],
    ['ORDER_EXPIRY_BATCH_SIZE', '10001'],
    ['CART_SERVICE_URL', 'not a url'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => readSettings(orderSettings, { [name]: value })).toThrow(ConfigurationError);
    expect(() => readSettings(orderSettings, { [name]: value })).toThrow(name);
  });
});
