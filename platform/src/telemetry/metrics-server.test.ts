import { ApolloServer } from '@apollo/server';
import { createLogger } from '../logger';
import { ServiceMetrics } from './metrics';
import { operationMetricsPlugin } from './metrics-plugin';
import { startMetricsServer } from './metrics-server';
import { parsePrometheusText, sampleSum } from './metrics-text';

const log = createLogger('test', 'silent');

describe('startMetricsServer', () => {
  it('answers GET /metrics with Prometheus text and every other path with 404', async () => {
    const metrics = new ServiceMetrics('cart');
    const server = await startMetricsServer(
      metrics,
      { metricsEnabled: true, metricsPort: 0, metricsHost: '127.0.0.1' },
      log,
    );
    try {
      const scraped = await fetch(server!.url);
      expect(scraped.status).toBe(200);
      expect(parsePrometheusText(await scraped.text()).has('marketplace_graphql_operations_total')).toBe(
        true,
      );
      expect((await fetch(server!.url.replace('/metrics', '/graphql'))).status).toBe(404);
    } finally {
      await server?.stop();
    }
  });

  it('serves nothing when metrics are turned off', async () => {
    const off = { metricsEnabled: false, metricsPort: 0, metricsHost: '127.0.0.1' };
    expect(await startMetricsServer(new ServiceMetrics('cart'), off, log)).toBeUndefined();
  });
});

describe('operationMetricsPlugin', () => {
  it('counts operations by name, type and outcome, and their errors by code', async () => {
    const metrics = new ServiceMetrics('cart');
    const apollo = new ApolloServer({
      typeDefs: 'type Query { hello: String, broken: String }',
      resolvers: {
        Query: {
          hello: () => 'hi',
          broken: () => {
            throw new Error('bug');
          },
        },
      },
      plugins: [operationMetricsPlugin(metrics)],
    });
    await apollo.start();
    try {
      await apollo.executeOperation({ query: 'query Greeting { hello }' });
      await apollo.executeOperation({ query: '{ hello }' });
      await apollo.executeOperation({ query: 'query Broken { broken }' });
      await apollo.executeOperation({ query: '{ nope }' });
    } finally {
      await apollo.stop();
    }
    const families = parsePrometheusText(await metrics.render());
    const count = (labels: Record<string, string>) =>
      sampleSum(families, 'marketplace_graphql_operations_total', labels);
    expect(count({ operation: 'Greeting', type: 'query', outcome: 'ok' })).toBe(1);
    expect(count({ operation: 'anonymous', type: 'query', outcome: 'ok' })).toBe(1);
    expect(count({ operation: 'Broken', type: 'query', outcome: 'INTERNAL_SERVER_ERROR' })).toBe(1);
    expect(count({ type: 'unknown', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sampleSum(families, 'marketplace_graphql_operation_duration_seconds_count')).toBe(4);
    expect(sampleSum(families, 'marketplace_graphql_errors_total', { code: 'INTERNAL_SERVER_ERROR' })).toBe(
      1,
    );
  });
});
