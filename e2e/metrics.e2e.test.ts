import {
  createKafka,
  createLogger,
  namespaced,
  parsePrometheusText,
  sampleSum,
  TOPICS,
  type MetricFamily,
} from '@marketplace/platform';
import { eventually } from '@marketplace/platform/testing';
import { connect, subscribe } from '../gateway/test/ws-client';
import { registerCustomer, startStack, type SignedIn, type Stack } from './harness';
import {
  addToCart,
  consumersCaughtUp,
  createProduct,
  DEADLINE,
  hasStatus,
  payOrder,
  placeOrder,
  signInAdmin,
  stockReserved,
  topUp,
  waitForOrder,
} from './saga';

type Metrics = Map<string, MetricFamily>;
type ServiceName = 'gateway' | 'user' | 'product' | 'cart' | 'order' | 'payment' | 'delivery';

const SERVICES: ServiceName[] = ['gateway', 'user', 'product', 'cart', 'order', 'payment', 'delivery'];
/** The services whose idempotent consumers read the order topic (the poison message's topic). */
const ORDER_TOPIC_CONSUMERS: ServiceName[] = ['product', 'cart', 'payment', 'delivery'];
const CONSUMING: ServiceName[] = ['gateway', 'product', 'cart', 'order', 'payment', 'delivery'];

let stack: Stack;
let admin: SignedIn;

beforeAll(async () => {
  stack = await startStack();
  admin = await signInAdmin(stack);
  await eventually(() => stack.gateway.subscriptions!.source.consuming, {
    timeoutMs: DEADLINE.saga,
    message: "the gateway's order event consumer",
  });
}, 90_000);
afterAll(() => stack?.stop(), 30_000);

function metricsUrlOf(service: ServiceName): string {
  const running = service === 'gateway' ? stack.gateway : stack[service];
  if (!running.metricsServer) throw new Error(`${service} serves no metrics`);
  return running.metricsServer.url;
}

/** One scrape of a service, parsed strictly (a line Prometheus would not read fails the test). */
async function scrape(service: ServiceName): Promise<Metrics> {
  const response = await fetch(metricsUrlOf(service));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

async function scrapeAll(): Promise<Record<ServiceName, Metrics>> {
  const scrapes = await Promise.all(SERVICES.map(scrape));
  return Object.fromEntries(SERVICES.map((service, index) => [service, scrapes[index]])) as Record<
    ServiceName,
    Metrics
  >;
}

/** The samples of a gauge family (to tell "no reading" from "zero"). */
const samplesOf = (metrics: Metrics, family: string) => metrics.get(family)?.samples ?? [];

describe('GET /metrics on every service', () => {
  it('serves Prometheus text on a port of its own, which the public API does not answer', async () => {
    const all = await scrapeAll();
    for (const service of SERVICES) {
      const heap = samplesOf(all[service], 'nodejs_heap_size_used_bytes');
      expect({ service, labels: heap[0]?.labels }).toEqual({ service, labels: { service } });
      expect(all[service].get('marketplace_graphql_operations_total')?.type).toBe('counter');
    }
    const api = new URL(stack.gateway.url);
    const onTheApi = await fetch(`${api.origin}/metrics`);
    expect(onTheApi.status).toBe(404);
    expect(new URL(metricsUrlOf('gateway')).port).not.toBe(api.port);
  });

  it('moves as a session goes through the graph: traffic, latency, business counters, lag back to zero', async () => {
    const before = await scrapeAll();
    const price = 120_000;
    const customer = await registerCustomer(stack, 'metrics');
    const productId = await createProduct(stack, admin, price, 10);
    await addToCart(stack, customer, productId, 2);
    await topUp(stack, customer, 300_000);
    const socket = connect(stack.gateway, { Authorization: `Bearer ${customer.token}` });
    const live = subscribe(socket, 'subscription { myOrderUpdates { orderId status } }');
    await eventually(() => stack.gateway.subscriptions!.fanOut.size === 1 || undefined, {
      timeoutMs: DEADLINE.hop,
      message: 'the subscription to be live',
    });
    const watched = await scrape('gateway');
    expect(sampleSum(watched, 'marketplace_websocket_connections')).toBe(1);
    expect(sampleSum(watched, 'marketplace_subscriptions_active')).toBe(1);
    expect(
      sampleSum(watched, 'marketplace_graphql_operations_total', { type: 'subscription', outcome: 'ok' }) -
        sampleSum(before.gateway, 'marketplace_graphql_operations_total', {
          type: 'subscription',
          outcome: 'ok',
        }),
    ).toBe(1);
    const orderId = await placeOrder(stack, customer);
    await stockReserved(stack, customer, orderId);
    const paid = await payOrder(stack, customer, orderId);
    expect(paid.errors).toBeUndefined();
    await waitForOrder(stack, customer, orderId, hasStatus('PAID'), 'order paid', DEADLINE.roundTrip);
    const named = await stack.query('query MetricsCart { me { cart { itemCount } } }', {}, customer.token);
    expect(named.errors).toBeUndefined();

    // A second customer cannot pay: the payment failure is counted.
    const poor = await registerCustomer(stack, 'poor');
    await addToCart(stack, poor, productId, 1);
    const unpaid = await placeOrder(stack, poor);
    await stockReserved(stack, poor, unpaid);
    expect((await payOrder(stack, poor, unpaid)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    await consumersCaughtUp(stack, DEADLINE.saga);

    const after = await eventually(
      async () => {
        const all = await scrapeAll();
        const paidCount = sampleSum(all.order, 'marketplace_orders_paid_total');
        const pushes = sampleSum(all.gateway, 'marketplace_subscription_push_latency_seconds_count');
        const counted = paidCount > sampleSum(before.order, 'marketplace_orders_paid_total');
        return counted && live.results.length >= 3 && pushes >= 3 ? all : undefined;
      },
      { timeoutMs: DEADLINE.saga, intervalMs: 200, message: 'the paid order and its pushes to be counted' },
    );
    await socket.client.dispose();
    const grew = (service: ServiceName, name: string, labels: Record<string, string> = {}) =>
      sampleSum(after[service], name, labels) - sampleSum(before[service], name, labels);

    // Golden signals: requests by operation, type and outcome; latency histograms.
    expect(
      grew('gateway', 'marketplace_graphql_operations_total', { type: 'mutation', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(6);
    expect(
      grew('gateway', 'marketplace_graphql_operations_total', {
        operation: 'MetricsCart',
        type: 'query',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(
      grew('gateway', 'marketplace_graphql_operations_total', {
        type: 'mutation',
        outcome: 'BAD_USER_INPUT',
      }),
    ).toBe(1);
    expect(grew('gateway', 'marketplace_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(grew('gateway', 'marketplace_graphql_operation_duration_seconds_count')).toBeGreaterThanOrEqual(8);
    expect(
      grew('gateway', 'marketplace_subgraph_fetch_duration_seconds_count', {
        subgraph: 'order',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(grew('order', 'marketplace_graphql_operations_total')).toBeGreaterThanOrEqual(1);
    expect(grew('payment', 'marketplace_graphql_operation_duration_seconds_count')).toBeGreaterThanOrEqual(2);

    // Business counters, counted once their state change committed.
    expect(grew('order', 'marketplace_orders_placed_total')).toBe(2);
    expect(grew('order', 'marketplace_orders_paid_total')).toBe(1);
    expect(grew('order', 'marketplace_revenue_minor_units_total', { currency: 'RUB' })).toBe(2 * price);
    expect(grew('payment', 'marketplace_payment_failures_total', { reason: 'INSUFFICIENT_FUNDS' })).toBe(1);

    // The saga: published events, handled events, an empty outbox, no lag.
    expect(grew('order', 'marketplace_outbox_published_total')).toBeGreaterThanOrEqual(4);
    expect(grew('order', 'marketplace_outbox_publish_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(
      grew('payment', 'marketplace_event_handler_duration_seconds_count', {
        event_type: 'OrderPlaced',
        outcome: 'ok',
      }),
    ).toBe(2);
    expect(sampleSum(after.order, 'marketplace_outbox_unpublished')).toBe(0);
    expect(sampleSum(after.order, 'marketplace_outbox_oldest_unpublished_age_seconds')).toBe(0);
    expect(sampleSum(after.order, 'marketplace_db_pool_connections', { state: 'free' })).toBeGreaterThan(0);
    await lagBackToZero();
  });

  it('counts a stock-out and the cancellation it causes, by reason', async () => {
    const before = await scrapeAll();
    const productId = await createProduct(stack, admin, 10_000, 1);
    const [first, second] = [await registerCustomer(stack, 'first'), await registerCustomer(stack, 'second')];
    await addToCart(stack, first, productId, 1);
    await addToCart(stack, second, productId, 1);
    await stockReserved(stack, first, await placeOrder(stack, first));
    const late = await placeOrder(stack, second);
    await waitForOrder(
      stack,
      second,
      late,
      hasStatus('CANCELLED'),
      'the late order cancelled',
      DEADLINE.roundTrip,
    );
    await eventually(
      async () => {
        const all = await scrapeAll();
        const outOfStock = { reason: 'OUT_OF_STOCK' };
        const stockOuts =
          sampleSum(all.product, 'marketplace_stock_outs_total', outOfStock) -
          sampleSum(before.product, 'marketplace_stock_outs_total', outOfStock);
        const cancelled =
          sampleSum(all.order, 'marketplace_orders_cancelled_total', outOfStock) -
          sampleSum(before.order, 'marketplace_orders_cancelled_total', outOfStock);
        return stockOuts === 1 && cancelled === 1;
      },
      {
        timeoutMs: DEADLINE.saga,
        intervalMs: 200,
        message: 'the stock-out and the cancellation to be counted',
      },
    );
  });

  it('counts an operation refused by a limit by the limit, as a refusal and as an error', async () => {
    const before = await scrape('gateway');
    const aliases = Array.from({ length: 31 }, (_, index) => `a${index}: __typename`).join(' ');
    const refused = await stack.query(`query AliasBomb { ${aliases} }`);
    expect(refused.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const after = await scrape('gateway');
    const grew = (name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(grew('marketplace_operations_refused_total', { limit: 'aliases' })).toBe(1);
    expect(grew('marketplace_graphql_errors_total', { code: 'QUERY_TOO_COMPLEX' })).toBe(1);
    expect(grew('marketplace_graphql_operations_total', { outcome: 'QUERY_TOO_COMPLEX' })).toBe(1);
  });

  it('counts a poison message as a dead letter on every consumer of its topic', async () => {
    const before = await scrapeAll();
    const config = stack.order.config;
    const producer = createKafka(config, createLogger('e2e-poison', 'silent')).producer();
    await producer.connect();
    try {
      await producer.send({
        topic: namespaced(config, TOPICS.order),
        messages: [{ key: 'poison', value: 'this is not an event' }],
      });
    } finally {
      await producer.disconnect();
    }
    await eventually(
      async () => {
        const all = await scrapeAll();
        return ORDER_TOPIC_CONSUMERS.every(
          (service) =>
            sampleSum(all[service], 'marketplace_dead_letters_total') -
              sampleSum(before[service], 'marketplace_dead_letters_total') ===
            1,
        );
      },
      {
        timeoutMs: DEADLINE.saga,
        intervalMs: 200,
        message: 'the poison message to be dead-lettered by each consumer',
      },
    );
    await lagBackToZero();
  });
});

/** Every consuming service reports lag for its partitions, and all of it returns to zero. */
async function lagBackToZero(): Promise<void> {
  await eventually(
    async () => {
      const all = await scrapeAll();
      return CONSUMING.every((service) => {
        const lag = samplesOf(all[service], 'marketplace_kafka_consumer_lag');
        return lag.length > 0 && lag.every((sample) => sample.value === 0);
      });
    },
    { timeoutMs: DEADLINE.saga, intervalMs: 200, message: 'every consumer group to report zero lag' },
  );
}
