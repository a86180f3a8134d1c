import { loadConfig } from './config';
import { ConfigurationError, readSettings, setting } from './settings';

const spec = {
  sweepMs: setting.integer('SWEEP_MS', 'pause between sweeps', 30_000, { min: 0 }),
  enabled: setting.boolean('ENABLED', 'on or off', true),
  brokers: setting.list('BROKERS', 'bootstrap servers', ['127.0.0.1:9092']),
  format: setting.oneOf('FORMAT', 'log format', ['json', 'pretty'], 'json'),
  url: setting.url('SOME_URL', 'where', 'http://127.0.0.1:4002/graphql'),
};

describe('readSettings', () => {
  it('gives the defaults for unset and empty variables', () => {
    expect(readSettings(spec, { SWEEP_MS: '', ENABLED: '  ' })).toEqual({
      sweepMs: 30_000,
      enabled: true,
      brokers: ['127.0.0.1:9092'],
      format: 'json',
      url: 'http://127.0.0.1:4002/graphql',
    });
  });

  it('parses what is set', () => {
    expect(
      readSettings(spec, { SWEEP_MS: '0', ENABLED: 'false', BROKERS: 'a:1, b:2,', FORMAT: 'pretty' }),
    ).toMatchObject({ sweepMs: 0, enabled: false, brokers: ['a:1', 'b:2'], format: 'pretty' });
  });

  it('fails naming every bad variable and the value it got', () => {
    let failure: unknown;
    try {
      readSettings(spec, {
        SWEEP_MS: 'soon',
        ENABLED: 'yes',
        FORMAT: 'xml',
        SOME_URL: 'not a url',
        BROKERS: ',',
      });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConfigurationError);
    const message = (failure as Error).message;
    for (const fragment of [
      'SWEEP_MS',
      '"soon"',
      'ENABLED',
      '"yes"',
      'FORMAT',
      '"xml"',
      'SOME_URL',
      'BROKERS',
    ]) {
      expect(message).toContain(fragment);
    }
  });

  it('refuses a negative or fractional integer', () => {
    expect(() => readSettings(spec, { SWEEP_MS: '-1' })).toThrow(/SWEEP_MS/);
    expect(() => readSettings(spec, { SWEEP_MS: '1.5' })).toThrow(/SWEEP_MS/);
  });
});

describe('loadConfig', () => {
  it("names a service's own variables after it and derives the database name", () => {
    const config = loadConfig('order', { ORDER_PORT: '5004', DATABASE_PREFIX: 'shop' });
    expect(config).toMatchObject({ serviceName: 'order', port: 5004, databaseName: 'shop_order' });
    expect(loadConfig('order', { ORDER_DATABASE_NAME: 'orders' }).databaseName).toBe('orders');
  });

  it('refuses the development JWT secret in production', () => {
    expect(() => loadConfig('user', { NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(loadConfig('user', { NODE_ENV: 'production', JWT_SECRET: 'a-real-secret' }).production).toBe(true);
  });

  it('fails fast on a malformed platform variable', () => {
    expect(() => loadConfig('cart', { CART_PORT: 'eighty' })).toThrow(/CART_PORT/);
    expect(() => loadConfig('cart', { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
