import { ConfigurationError, readSettings } from '@marketplace/platform';
import { cartSettings } from './settings';

describe('cart settings', () => {
  it('reads the product subgraph from PRODUCT_SERVICE_URL, by default the local one, unthrottled', () => {
    expect(readSettings(cartSettings, {})).toEqual({
      productServiceUrl: 'http://127.0.0.1:4002/graphql',
      productClientRateLimitRps: 0,
    });
    expect(
      readSettings(cartSettings, {
        PRODUCT_SERVICE_URL: 'http://product:4002/graphql',
        PRODUCT_CLIENT_RATE_LIMIT_RPS: '10',
      }),
    ).toEqual({ productServiceUrl: 'http://product:4002/graphql', productClientRateLimitRps: 10 });
  });

  it('refuses a PRODUCT_SERVICE_URL that is not a URL', () => {
    expect(() => readSettings(cartSettings, { PRODUCT_SERVICE_URL: 'product' })).toThrow(ConfigurationError);
  });
});
