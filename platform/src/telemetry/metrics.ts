import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabel } from './metrics-labels';

/** Buckets of request-scale latencies, in seconds (1 ms to 30 s). */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A reading taken when Prometheus scrapes (outbox backlog, consumer lag, pool use). */
export type ScrapeProbe = () => Promise<void> | void;

/** How long one probe may hold a scrape up; a slower one leaves its gauges as they were. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * The Prometheus metrics of one service instance: its own prom-client registry (so several
 * services, or replicas, can live in one process), the default Node.js metrics, and every family
 * of the README's metric catalogue, each series labelled with `service`. Parts of the service
 * observe into the families they own; readings that are cheap to take on demand are registered
 * as {@link ScrapeProbe}s and taken at scrape time.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  /** Client-chosen operation names, capped (see {@link BoundedLabel}). */
  readonly operationNames = new BoundedLabel(200);
  private readonly probes = new Set<ScrapeProbe>();
  private utilization: EventLoopUtilization = performance.eventLoopUtilization();

  // Golden signals.
  readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  readonly operationDuration: Histogram<'operation' | 'type'>;
  readonly errors: Counter<'code'>;
  readonly subgraphFetchDuration: Histogram<'subgraph' | 'outcome'>;
  readonly dbPool: Gauge<'state'>;
  readonly websockets: Gauge;
  readonly subscriptions: Gauge;
  // The saga.
  readonly outboxUnpublished: Gauge;
  readonly outboxOldestAge: Gauge;
  readonly outboxPublished: Counter<'topic'>;
  readonly outboxPublishDuration: Histogram;
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  readonly handlerDuration: Histogram<'event_type' | 'outcome'>;
  readonly handlerFailures: Counter<'event_type'>;
  readonly deadLetters: Counter<'topic' | 'group'>;
  readonly pushLatency: Histogram;
  // Business.
  readonly ordersPlaced: Counter;
  readonly ordersPaid: Counter;
  readonly ordersCancelled: Counter<'reason'>;
  readonly revenue: Counter<'currency'>;
  readonly stockOuts: Counter<'reason'>;
  readonly paymentFailures: Counter<'reason'>;
  // Protection.
  readonly operationsRefused: Counter<'limit'>;
  readonly rateLimited: Counter<'limit'>;
  readonly breakerState: Gauge<'target'>;
  readonly serviceCallRetries: Counter<'target'>;

  constructor(readonly service: string) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });

    this.operations = counter('marketplace_graphql_operations_total', 'GraphQL operations answered', [
      'operation',
      'type',
      'outcome',
    ]);
    this.operationDuration = histogram(
      'marketplace_graphql_operation_duration_seconds',
      'Time from receiving a GraphQL operation to its answer',
      ['operation', 'type'],
    );
    this.errors = counter('marketplace_graphql_errors_total', 'Errors in GraphQL answers by code', ['code']);
    this.subgraphFetchDuration = histogram(
      'marketplace_subgraph_fetch_duration_seconds',
      'One gateway fetch to a subgraph',
      ['subgraph', 'outcome'],
    );
    gauge(
      'marketplace_event_loop_utilization',
      'Share of time the event loop was busy since the last scrape',
    );
    this.dbPool = gauge('marketplace_db_pool_connections', 'Database pool connections by state', ['state']);
    this.websockets = gauge('marketplace_websocket_connections', 'Open graphql-ws sockets');
    this.subscriptions = gauge('marketplace_subscriptions_active', 'Active subscriptions');

    this.outboxUnpublished = gauge('marketplace_outbox_unpublished', 'Outbox rows not yet published');
    this.outboxOldestAge = gauge(
      'marketplace_outbox_oldest_unpublished_age_seconds',
      'Age of the oldest unpublished outbox row (0 when none)',
    );
    this.outboxPublished = counter('marketplace_outbox_published_total', 'Events the relay published', [
      'topic',
    ]);
    this.outboxPublishDuration = histogram(
      'marketplace_outbox_publish_duration_seconds',
      'One relay batch, from send to marked published',
    );
    this.consumerLag = gauge(
      'marketplace_kafka_consumer_lag',
      "Messages behind: the partition's high watermark minus the group's committed offset",
      ['group', 'topic', 'partition'],
    );
    this.handlerDuration = histogram(
      'marketplace_event_handler_duration_seconds',
      'One attempt to apply an event',
      ['event_type', 'outcome'],
    );
    this.handlerFailures = counter(
      'marketplace_event_handler_failures_total',
      'Failed attempts to apply an event',
      ['event_type'],
    );
    this.deadLetters = counter('marketplace_dead_letters_total', 'Messages copied to a dead-letter topic', [
      'topic',
      'group',
    ]);
    this.pushLatency = histogram(
      'marketplace_subscription_push_latency_seconds',
      "From an event's commit to its push to a subscriber",
    );

    this.ordersPlaced = counter('marketplace_orders_placed_total', 'Orders placed');
    this.ordersPaid = counter('marketplace_orders_paid_total', 'Orders paid');
    this.ordersCancelled = counter('marketplace_orders_cancelled_total', 'Orders cancelled', ['reason']);
    this.revenue = counter('marketplace_revenue_minor_units_total', 'Total of paid orders in minor units', [
      'currency',
    ]);
    this.stockOuts = counter('marketplace_stock_outs_total', 'Checkouts whose stock could not be reserved', [
      'reason',
    ]);
    this.paymentFailures = counter('marketplace_payment_failures_total', 'Payment attempts refused', [
      'reason',
    ]);

    this.operationsRefused = counter(
      'marketplace_operations_refused_total',
      'Operations refused by an operation limit before planning',
      ['limit'],
    );
    this.rateLimited = counter('marketplace_rate_limited_total', 'Requests refused by a rate limit', [
      'limit',
    ]);
    this.breakerState = gauge(
      'marketplace_circuit_breaker_state',
      'Circuit breaker of calls to a target: 0 closed, 1 half-open, 2 open',
      ['target'],
    );
    this.serviceCallRetries = counter(
      'marketplace_service_call_retries_total',
      'Retries of calls to another service',
      ['target'],
    );
    this.addProbe(() => this.readEventLoopUtilization());
  }

  /** Takes `probe` at every scrape until the returned function removes it. */
  addProbe(probe: ScrapeProbe): () => void {
    this.probes.add(probe);
    return () => this.probes.delete(probe);
  }

  /** The registry in Prometheus text format, after taking every probe. */
  async render(): Promise<string> {
    await Promise.all([...this.probes].map((probe) => withinTimeout(probe)));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The bounded `operation` label of an operation name (`anonymous` without one). */
  operationLabel(name: string | null | undefined): string {
    return name ? this.operationNames.of(name) : 'anonymous';
  }

  private readEventLoopUtilization(): void {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, this.utilization);
    this.utilization = now;
    (this.registry.getSingleMetric('marketplace_event_loop_utilization') as Gauge).set(since.utilization);
  }
}

/** A probe that fails or hangs costs the scrape nothing but its own gauges. */
async function withinTimeout(probe: ScrapeProbe): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, PROBE_TIMEOUT_MS).unref();
  });
  try {
    await Promise.race([Promise.resolve().then(probe), timeout]);
  } catch {
    // Its gauges keep their last values; the service's own logs say why the source failed.
  } finally {
    clearTimeout(timer);
  }
}

/** Seconds since `startedAt` (from `performance.now()`), for histograms. */
export const secondsSince = (startedAt: number): number => (performance.now() - startedAt) / 1_000;
