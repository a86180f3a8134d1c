import { randomJwtSecret } from './auth';
import { isEphemeralJwtSecret, loadConfig } from './config';
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

  it('refuses to start in production without JWT_SECRET', () => {
    expect(() => loadConfig('user', { NODE_ENV: 'production' })).toThrow(ConfigurationError);
    expect(() => loadConfig('user', { NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set/);
    const secret = randomJwtSecret();
    expect(loadConfig('user', { NODE_ENV: 'production', JWT_SECRET: secret })).toMatchObject({
      production: true,
      jwtSecret: secret,
    });
  });

  it.each([
    'marketplace-graph-local-development-secret',
    'change-me-in-production',
    'secret',
    'changeme',
    'CHANGEME',
  ])('refuses the public placeholder %s as JWT_SECRET, in production and elsewhere', (secret) => {
    for (const NODE_ENV of ['production', 'development']) {
      expect(() => loadConfig('user', { NODE_ENV, JWT_SECRET: secret })).toThrow(ConfigurationError);
    }
  });

  it('refuses a JWT_SECRET shorter than 32 characters', () => {
    expect(() => loadConfig('user', { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toThrow(
      /at least 32 characters, got 31/,
    );
    expect(loadConfig('user', { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toHaveLength(
      32,
    );
  });

  it('gives a non-production process without JWT_SECRET a random secret of its own', () => {
    const secret = loadConfig('user', {}).jwtSecret;
    expect(secret).toHaveLength(43);
    expect(isEphemeralJwtSecret(secret)).toBe(true);
    expect(loadConfig('order', {}).jwtSecret).toBe(secret);
    expect(isEphemeralJwtSecret(randomJwtSecret())).toBe(false);
  });

  it('fails fast on a malformed platform variable', () => {
    expect(() => loadConfig('cart', { CART_PORT: 'eighty' })).toThrow(/CART_PORT/);
    expect(() => loadConfig('cart', { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
