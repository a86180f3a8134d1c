import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@marketplace/platform/testing';
import type { Daemon } from '../scripts/observability/daemon';
import { startPrometheus } from '../scripts/observability/prometheus';
import { startStack, type Stack } from './harness';

/**
 * A real Prometheus (Debian's package, as `npm start -- --observability` runs it) scrapes the
 * whole stack with the repository's rules loaded, and answers a query for the gateway's request
 * rate through its HTTP API.
 */
const SERVICES = ['gateway', 'user', 'product', 'cart', 'order', 'payment', 'delivery'] as const;
const RULES = join(__dirname, '..', 'observability', 'rules', '*.yml');

let stack: Stack;
let prometheus: Daemon | undefined;
let prometheusUrl: string;
let dir: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promql: string): Promise<Sample[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; data: { result: Sample[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

beforeAll(async () => {
  stack = await startStack();
  const targets = SERVICES.map((service) => {
    const running = service === 'gateway' ? stack.gateway : stack[service];
    if (!running.metricsServer) throw new Error(`${service} serves no metrics`);
    return new URL(running.metricsServer.url).host;
  });
  dir = mkdtempSync(join(tmpdir(), 'prometheus-e2e-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${RULES}']`,
      'scrape_configs:',
      '  - job_name: marketplace',
      `    static_configs: [{ targets: [${targets.map((target) => `'${target}'`).join(', ')}] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  prometheus = await startPrometheus({ configFile, port, dataDir: join(dir, 'data'), detached: false });
  prometheusUrl = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('a real Prometheus against the stack', () => {
  it('scrapes the gateway and every subgraph', async () => {
    const up = await eventually(
      async () => {
        const samples = await query('up{job="marketplace"} == 1');
        return samples.length === SERVICES.length ? samples : undefined;
      },
      { timeoutMs: 20_000, message: 'every service up in Prometheus' },
    );
    expect(up).toHaveLength(SERVICES.length);
    const services = await query('count by (service) (marketplace_event_loop_utilization)');
    expect(services.map((sample) => sample.metric.service).sort()).toEqual([...SERVICES].sort());
  });

  it("answers a query for the gateway's request rate by operation", async () => {
    const rate = await eventually(
      async () => {
        // Operations keep arriving while we wait, so two scrapes see the counter move.
        const answer = await stack.query('query PrometheusProbe { products(first: 1) { totalCount } }');
        expect(answer.errors).toBeUndefined();
        const samples = await query(
          'sum by (operation, outcome) (rate(marketplace_graphql_operations_total{service="gateway",operation="PrometheusProbe"}[10s]))',
        );
        return samples.find((sample) => Number(sample.value[1]) > 0);
      },
      {
        timeoutMs: 20_000,
        intervalMs: 200,
        message: "a positive request rate of the gateway's PrometheusProbe",
      },
    );
    expect(rate.metric).toEqual({ operation: 'PrometheusProbe', outcome: 'ok' });
  });

  it("loads the repository's SLO rules and alerts", async () => {
    const response = await fetch(`${prometheusUrl}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { name: string; rules: unknown[] }[] } };
    expect(body.data.groups.map((group) => group.name).sort()).toEqual(
      ['saga', 'services', 'slo-burn', 'slo-objectives', 'slo-sli'].sort(),
    );
  });
});
