import { ConfigurationError, settingsOf } from '@marketplace/platform';
import { gatewaySettings, loadGatewayConfig } from './config';

describe('loadGatewayConfig', () => {
  it('has working defaults', () => {
    const config = loadGatewayConfig({});
    expect(config.supergraphPath).toMatch(/schema[/\\]supergraph\.graphql$/);
    expect(config.explorer).toBe(true);
    expect(config.serviceUrls).toEqual({});
    expect(config.subscriptions).toEqual({
      enabled: true,
      instanceId: expect.stringMatching(/-\d+$/),
      maxSubscriptionsPerConnection: 20,
      connectionInitWaitTimeoutMs: 3_000,
      renderConcurrency: 16,
      keepAliveMs: 12_000,
    });
  });

  it('reads every gateway variable', () => {
    const config = loadGatewayConfig({
      SUPERGRAPH_PATH: '/tmp/supergraph.graphql',
      GATEWAY_EXPLORER: 'false',
      GATEWAY_SUBSCRIPTIONS: 'false',
      GATEWAY_INSTANCE_ID: ' replica-a ',
      GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION: '5',
      GATEWAY_CONNECTION_INIT_WAIT_TIMEOUT_MS: '100',
      GATEWAY_SUBSCRIPTION_RENDER_CONCURRENCY: '4',
      GATEWAY_WS_KEEPALIVE_MS: '0',
      ORDER_SERVICE_URL: 'http://order.internal:4004/graphql',
    });
    expect(config).toMatchObject({
      supergraphPath: '/tmp/supergraph.graphql',
      explorer: false,
      serviceUrls: { order: 'http://order.internal:4004/graphql' },
      subscriptions: {
        enabled: false,
        instanceId: 'replica-a',
        maxSubscriptionsPerConnection: 5,
        connectionInitWaitTimeoutMs: 100,
        renderConcurrency: 4,
        keepAliveMs: 0,
      },
    });
  });

  it.each([
    ['GATEWAY_MAX_SUBSCRIPTIONS_PER_CONNECTION', '0'],
    ['GATEWAY_CONNECTION_INIT_WAIT_TIMEOUT_MS', 'soon'],
    ['GATEWAY_SUBSCRIPTION_RENDER_CONCURRENCY', '1.5'],
    ['GATEWAY_WS_KEEPALIVE_MS', '-1'],
    ['GATEWAY_EXPLORER', 'maybe'],
    ['GATEWAY_SUBSCRIPTIONS', 'yes please'],
    ['PAYMENT_SERVICE_URL', 'not a url'],
  ])('fails naming %s when it is %p', (variable, value) => {
    const read = (): unknown => loadGatewayConfig({ [variable]: value });
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(`${variable}: `);
    expect(read).toThrow(`got ${JSON.stringify(value)}`);
  });

  it('names every bad variable at once', () => {
    expect(() =>
      loadGatewayConfig({ GATEWAY_WS_KEEPALIVE_MS: 'often', GATEWAY_SUBSCRIPTION_RENDER_CONCURRENCY: '0' }),
    ).toThrow(/GATEWAY_SUBSCRIPTION_RENDER_CONCURRENCY[\s\S]*GATEWAY_WS_KEEPALIVE_MS/);
  });

  describe('introspection and the explorer', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(64) };

    it('serves both outside production and neither in production by default', () => {
      expect(loadGatewayConfig({})).toMatchObject({ introspection: true, explorer: true });
      expect(loadGatewayConfig(production)).toMatchObject({ introspection: false, explorer: false });
    });

    it('turns the explorer off with introspection unless it is asked for', () => {
      expect(loadGatewayConfig({ GATEWAY_INTROSPECTION: 'false' })).toMatchObject({ explorer: false });
      expect(loadGatewayConfig({ ...production, GATEWAY_INTROSPECTION: 'true' })).toMatchObject({
        introspection: true,
        explorer: true,
      });
    });

    it('refuses an explorer without introspection', () => {
      const read = (): unknown =>
        loadGatewayConfig({ GATEWAY_EXPLORER: 'true', GATEWAY_INTROSPECTION: 'false' });
      expect(read).toThrow(ConfigurationError);
      expect(read).toThrow('GATEWAY_EXPLORER=true needs introspection');
    });
  });

  it('reads the operation limits', () => {
    expect(loadGatewayConfig({}).limits).toEqual({
      maxDepth: 15,
      maxAliases: 30,
      maxTokens: 3_000,
      maxDirectives: 50,
      maxCost: 5_000,
      defaultListSize: 20,
    });
    expect(loadGatewayConfig({ GATEWAY_MAX_DEPTH: '7', GATEWAY_MAX_COST: '900' }).limits).toMatchObject({
      maxDepth: 7,
      maxCost: 900,
    });
    expect(() => loadGatewayConfig({ GATEWAY_MAX_TOKENS: '0' })).toThrow('GATEWAY_MAX_TOKENS: ');
  });

  it('declares one setting per variable, with the six service URL overrides', () => {
    const variables = settingsOf(gatewaySettings).map((declared) => declared.variable);
    expect(new Set(variables).size).toBe(variables.length);
    expect(variables).toEqual(
      expect.arrayContaining([
        'USER_SERVICE_URL',
        'PRODUCT_SERVICE_URL',
        'CART_SERVICE_URL',
        'ORDER_SERVICE_URL',
        'PAYMENT_SERVICE_URL',
        'DELIVERY_SERVICE_URL',
      ]),
    );
  });
});
