import { guardFor, TargetUnavailableError } from '../retry';
import { ServiceMetrics } from './metrics';
import { parsePrometheusText, sampleSum } from './metrics-text';

const config = {
  serviceRetryAttempts: 2,
  serviceRetryBudgetPercent: 100,
  circuitBreakerFailures: 2,
  circuitBreakerHalfOpenMs: 60_000,
};

describe('the metrics of calls to another service', () => {
  it('counts retries and exports the breaker state of each target', async () => {
    const metrics = new ServiceMetrics('order');
    const guard = guardFor('product', config, () => true, undefined, metrics);
    const read = async () =>
      sampleSum(parsePrometheusText(await metrics.render()), 'marketplace_circuit_breaker_state', {
        target: 'product',
      });
    expect(await read()).toBe(0);

    const failing = () => Promise.reject(new Error('connection refused'));
    await expect(guard.execute(failing, true)).rejects.toBeInstanceOf(TargetUnavailableError);

    const families = parsePrometheusText(await metrics.render());
    expect(sampleSum(families, 'marketplace_service_call_retries_total', { target: 'product' })).toBe(1);
    expect(await read()).toBe(2);
  });
});
