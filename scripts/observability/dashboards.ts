/**
 * The Grafana dashboards, as code: `npm run observability:dashboards` writes
 * observability/grafana/dashboards/*.json from the panels below (a unit test fails when the JSON
 * is stale, and checks every metric they query against the README's metric catalogue);
 * `npm run observability:dashboards -- --check` has promtool parse every query (in CI).
 *
 * Grafana provisions them in docker-compose (observability/grafana/provisioning); every panel
 * queries the data source with uid `prometheus`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DASHBOARD_DIR = join(__dirname, '..', '..', 'observability', 'grafana', 'dashboards');

const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;
const RATE = '$__rate_interval';

interface Query {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** Adds a `service` variable (every service, or a few) that `$service` in the queries filters on. */
  serviceVariable: boolean;
  rows: RowSpec[];
}

const q = (expr: string, legend: string): Query => ({ expr, legend });
const panel = (title: string, unit: string, description: string, ...queries: Query[]): PanelSpec => ({
  title,
  unit,
  description,
  queries,
});
const quantiles = (metric: string, by: string, filter: string): Query[] =>
  [0.5, 0.95, 0.99].map((quantile) =>
    q(
      `histogram_quantile(${quantile}, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket${filter}[${RATE}])))`,
      `p${quantile * 100}${by ? ` {{${by}}}` : ''}`,
    ),
  );

const SERVICE = '{service=~"$service"}';
const serviceAnd = (matchers: string): string => `{service=~"$service",${matchers}}`;

const goldenSignals: DashboardSpec = {
  uid: 'marketplace-golden-signals',
  title: 'Marketplace — golden signals',
  description:
    'Traffic, latency, errors and saturation of the gateway and each subgraph, and the protections of the edge.',
  serviceVariable: true,
  rows: [
    {
      title: 'Traffic',
      panels: [
        panel(
          'Operations by operation and outcome',
          'reqps',
          'GraphQL operations answered per second (`outcome` is `ok` or the first error code).',
          q(
            `sum by (service, operation, outcome) (rate(marketplace_graphql_operations_total${SERVICE}[${RATE}]))`,
            '{{service}} {{operation}} {{outcome}}',
          ),
        ),
        panel(
          'Operations by type',
          'reqps',
          'Queries, mutations and subscriptions per second.',
          q(
            `sum by (service, type) (rate(marketplace_graphql_operations_total${SERVICE}[${RATE}]))`,
            '{{service}} {{type}}',
          ),
        ),
      ],
    },
    {
      title: 'Latency',
      panels: [
        panel(
          'Operation latency p50 / p95 / p99',
          's',
          'From receiving an operation to its answer, all operations of the selected services.',
          ...quantiles('marketplace_graphql_operation_duration_seconds', '', SERVICE),
        ),
        panel(
          'p95 latency by operation',
          's',
          'The slowest operations first: compare with the SLO (checkout 1 s, catalog 250 ms).',
          q(
            `histogram_quantile(0.95, sum by (le, service, operation) (rate(marketplace_graphql_operation_duration_seconds_bucket${SERVICE}[${RATE}])))`,
            '{{service}} {{operation}}',
          ),
        ),
        panel(
          'Subgraph fetch latency p95 (gateway)',
          's',
          'One fetch of the gateway to a subgraph.',
          q(
            `histogram_quantile(0.95, sum by (le, subgraph) (rate(marketplace_subgraph_fetch_duration_seconds_bucket[${RATE}])))`,
            '{{subgraph}}',
          ),
        ),
        panel(
          'Subgraph fetches by outcome (gateway)',
          'reqps',
          '`error`: a GraphQL error; `failed`: no usable answer (timeout, refused, open breaker).',
          q(
            `sum by (subgraph, outcome) (rate(marketplace_subgraph_fetch_duration_seconds_count[${RATE}]))`,
            '{{subgraph}} {{outcome}}',
          ),
        ),
      ],
    },
    {
      title: 'Errors',
      panels: [
        panel(
          'Error ratio (server-side)',
          'percentunit',
          'Share of operations that failed on our side (INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE).',
          q(
            `sum by (service) (rate(marketplace_graphql_operations_total${serviceAnd('outcome=~"INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE"')}[${RATE}])) / sum by (service) (rate(marketplace_graphql_operations_total${SERVICE}[${RATE}]))`,
            '{{service}}',
          ),
        ),
        panel(
          'Errors by code',
          'reqps',
          'Errors in answers per second by `extensions.code` (client mistakes included).',
          q(
            `sum by (service, code) (rate(marketplace_graphql_errors_total${SERVICE}[${RATE}]))`,
            '{{service}} {{code}}',
          ),
        ),
      ],
    },
    {
      title: 'Saturation',
      panels: [
        panel(
          'Event loop utilisation',
          'percentunit',
          'Share of time the event loop was busy.',
          q(`marketplace_event_loop_utilization${SERVICE}`, '{{service}}'),
        ),
        panel(
          'Event loop lag',
          's',
          'How late timers run: a busy or blocked event loop.',
          q(`nodejs_eventloop_lag_seconds${SERVICE}`, '{{service}}'),
        ),
        panel(
          'Heap used',
          'bytes',
          'V8 heap in use.',
          q(`nodejs_heap_size_used_bytes${SERVICE}`, '{{service}}'),
        ),
        panel(
          'Database pool',
          'short',
          'Connections in use and queries waiting for one (`pending` > 0: the pool is the bottleneck).',
          q(
            `sum by (service, state) (marketplace_db_pool_connections${serviceAnd('state=~"used|pending"')})`,
            '{{service}} {{state}}',
          ),
        ),
        panel(
          'WebSockets and subscriptions (gateway)',
          'short',
          'Open graphql-ws sockets and active subscriptions.',
          q('sum(marketplace_websocket_connections)', 'sockets'),
          q('sum(marketplace_subscriptions_active)', 'subscriptions'),
        ),
      ],
    },
    {
      title: 'Protection',
      panels: [
        panel(
          'Operations refused by limit',
          'reqps',
          'Refused before planning: depth, aliases, tokens, directives, cost.',
          q(`sum by (limit) (rate(marketplace_operations_refused_total[${RATE}]))`, '{{limit}}'),
        ),
        panel(
          '429s by budget',
          'reqps',
          'Rate-limited requests by the budget they exceeded.',
          q(`sum by (limit) (rate(marketplace_rate_limited_total[${RATE}]))`, '{{limit}}'),
        ),
        panel(
          'Circuit breakers',
          'short',
          '0 closed, 1 half-open, 2 open, per caller and target.',
          q(
            `max by (service, target) (marketplace_circuit_breaker_state${SERVICE})`,
            '{{service}} → {{target}}',
          ),
        ),
        panel(
          'Retries of calls between services',
          'reqps',
          'Retries within the retry budget.',
          q(
            `sum by (service, target) (rate(marketplace_service_call_retries_total${SERVICE}[${RATE}]))`,
            '{{service}} → {{target}}',
          ),
        ),
      ],
    },
  ],
};

const saga: DashboardSpec = {
  uid: 'marketplace-saga',
  title: 'Marketplace — order saga',
  description:
    'The asynchronous half of a checkout: outboxes, Kafka consumers, dead letters, live updates and the business counters.',
  serviceVariable: false,
  rows: [
    {
      title: 'Outbox',
      panels: [
        panel(
          'Outbox backlog',
          'short',
          'Rows not yet on Kafka, per service.',
          q('sum by (service) (marketplace_outbox_unpublished)', '{{service}}'),
        ),
        panel(
          'Oldest unpublished event',
          's',
          'Age of the oldest unpublished outbox row (alert: over 60 s for 5 minutes).',
          q('max by (service) (marketplace_outbox_oldest_unpublished_age_seconds)', '{{service}}'),
        ),
        panel(
          'Events published',
          'ops',
          'Events the relays published, by topic.',
          q(`sum by (topic) (rate(marketplace_outbox_published_total[${RATE}]))`, '{{topic}}'),
        ),
        panel(
          'Relay publish latency',
          's',
          'One relay batch: send with acks=all until marked published.',
          ...quantiles('marketplace_outbox_publish_duration_seconds', '', ''),
        ),
      ],
    },
    {
      title: 'Consumers',
      panels: [
        panel(
          'Consumer lag',
          'short',
          'Messages behind per group and topic (back to zero within seconds when consumers keep up).',
          q('sum by (group, topic) (marketplace_kafka_consumer_lag)', '{{group}} {{topic}}'),
        ),
        panel(
          'Handler duration p95',
          's',
          'One attempt to apply an event, by event type.',
          q(
            `histogram_quantile(0.95, sum by (le, event_type) (rate(marketplace_event_handler_duration_seconds_bucket[${RATE}])))`,
            '{{event_type}}',
          ),
        ),
        panel(
          'Handler failures',
          'ops',
          'Failed attempts (retried with backoff until CONSUMER_MAX_ATTEMPTS).',
          q(
            `sum by (service, event_type) (rate(marketplace_event_handler_failures_total[${RATE}]))`,
            '{{service}} {{event_type}}',
          ),
        ),
        panel(
          'Dead letters (last hour)',
          'short',
          'Messages copied to <topic>.dlt: anything above zero needs a fix and a replay.',
          q('sum by (topic, group) (increase(marketplace_dead_letters_total[1h]))', '{{group}} {{topic}}'),
        ),
      ],
    },
    {
      title: 'Live updates',
      panels: [
        panel(
          'Commit → push latency',
          's',
          'From the event commit to its push to a subscriber (SLO: 99 % within 2.5 s).',
          ...quantiles('marketplace_subscription_push_latency_seconds', '', ''),
        ),
        panel(
          'Pushes per second',
          'ops',
          'Events pushed to subscribers.',
          q(`sum(rate(marketplace_subscription_push_latency_seconds_count[${RATE}]))`, 'pushes'),
        ),
      ],
    },
    {
      title: 'Business',
      panels: [
        panel(
          'Orders',
          'short',
          'Orders placed, paid and cancelled (by reason) in the interval.',
          q('sum(increase(marketplace_orders_placed_total[$__interval]))', 'placed'),
          q('sum(increase(marketplace_orders_paid_total[$__interval]))', 'paid'),
          q(
            'sum by (reason) (increase(marketplace_orders_cancelled_total[$__interval]))',
            'cancelled {{reason}}',
          ),
        ),
        panel(
          'Revenue',
          'short',
          'Paid orders, in minor units (kopecks, cents) per interval.',
          q(
            'sum by (currency) (increase(marketplace_revenue_minor_units_total[$__interval]))',
            '{{currency}}',
          ),
        ),
        panel(
          'Stock-outs and payment failures',
          'short',
          'Checkouts whose stock could not be reserved; payments refused.',
          q('sum by (reason) (increase(marketplace_stock_outs_total[$__interval]))', 'stock-out {{reason}}'),
          q(
            'sum by (reason) (increase(marketplace_payment_failures_total[$__interval]))',
            'payment failed {{reason}}',
          ),
        ),
      ],
    },
  ],
};

export const DASHBOARDS: readonly DashboardSpec[] = [goldenSignals, saga];

/** Grafana's dashboard model (schema 39): one collapsed-free row per group, two panels a line. */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
    });
    y += 1;
    row.panels.forEach((p, index) => {
      panels.push({
        id: id++,
        type: 'timeseries',
        title: p.title,
        description: p.description,
        datasource: DATASOURCE,
        gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: y + Math.floor(index / 2) * 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
        targets: p.queries.map((query, n) => ({
          datasource: DATASOURCE,
          expr: query.expr,
          legendFormat: query.legend,
          refId: String.fromCharCode(65 + n),
        })),
      });
    });
    y += Math.ceil(row.panels.length / 2) * 8;
  }
  const variables = spec.serviceVariable
    ? [
        {
          name: 'service',
          label: 'service',
          type: 'query',
          datasource: DATASOURCE,
          query: 'label_values(marketplace_graphql_operations_total, service)',
          refresh: 2,
          includeAll: true,
          multi: true,
          allValue: '.+',
          current: { text: 'All', value: '$__all' },
        },
      ]
    : [];
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['marketplace'],
    timezone: 'browser',
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-1h', to: 'now' },
    templating: { list: variables },
    panels,
  };
}

/** Where a dashboard's JSON lives. */
export const dashboardPath = (spec: DashboardSpec): string =>
  join(DASHBOARD_DIR, `${spec.uid.replace(/^marketplace-/, '')}.json`);

/** Writes every dashboard, formatted as Prettier leaves it (so `prettier --check` passes). */
/**
 * `--check`: has promtool parse every query of every dashboard (Grafana's variables replaced by
 * values), by checking them as recording rules of a throw-away rule file. Exits non-zero on an
 * invalid query.
 */
function checkQueries(): void {
  const queries = DASHBOARDS.flatMap((spec) =>
    spec.rows.flatMap((row) => row.panels.flatMap((p) => p.queries.map((query) => query.expr))),
  );
  const rules = queries.map(
    (expr, index) =>
      `      - record: dashboard:query_${index}\n        expr: ${JSON.stringify(
        expr
          .replaceAll('$__rate_interval', '1m')
          .replaceAll('$__interval', '1m')
          .replaceAll('$service', '.+'),
      )}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'dashboards-'));
  const file = join(dir, 'queries.yml');
  writeFileSync(file, `groups:\n  - name: dashboards\n    rules:\n${rules.join('\n')}\n`);
  const result = spawnSync('promtool', ['check', 'rules', file], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0)
    throw new Error(`promtool found an invalid dashboard query (${queries.length} checked)`);
  console.log(`${queries.length} dashboard queries are valid PromQL`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) return checkQueries();
  const prettier = await import('prettier');
  for (const spec of DASHBOARDS) {
    const path = dashboardPath(spec);
    const options = (await prettier.resolveConfig(path)) ?? {};
    writeFileSync(
      path,
      await prettier.format(JSON.stringify(dashboardJson(spec)), { ...options, filepath: path }),
    );
    console.log(`wrote ${path}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
