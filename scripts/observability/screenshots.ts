/**
 * `npm run observability:screenshots`: the README's pictures of "Observing it", taken from the
 * running stack of `npm start -- --observability`. It plays a shopper's session through the
 * gateway (register, top up, browse, add to cart, check out while following the order over
 * graphql-ws, pay), then photographs with headless Chromium (Debian's `chromium`):
 * the checkout's trace in Zipkin, the golden signals and the dashboard queries in Prometheus, and
 * Prometheus' alerts page. Pictures go to docs/images/.
 *
 * Environment: GATEWAY_URL (default http://127.0.0.1:4000/graphql), ZIPKIN_PORT, PROMETHEUS_PORT,
 * CHROMIUM (default `chromium`).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { prometheusPort } from './prometheus';
import { ROOT, zipkinUrl } from './zipkin';

const GATEWAY = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql';
const IMAGES = join(ROOT, 'docs', 'images');
const PROMETHEUS = `http://127.0.0.1:${prometheusPort()}`;

interface Answer<T> {
  data?: T;
  errors?: { message: string }[];
  traceId?: string;
}

async function graphql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Answer<T>> {
  const response = await fetch(GATEWAY, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as Answer<T>;
  if (answer.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(answer.errors)}`);
  // The gateway answers with the W3C traceparent of the operation's trace when tracing is on.
  answer.traceId = response.headers.get('traceparent')?.split('-')[1];
  return answer;
}

/** A new customer with money in the wallet; resolves with its token. */
async function customer(): Promise<string> {
  const email = `observer.${randomUUID().slice(0, 8)}@example.com`;
  const { data: registered } = await graphql<{ register: { token: string } }>(
    'mutation Register($input: RegisterInput!) { register(input: $input) { token } }',
    { input: { email, password: 'a long password', fullName: 'Observer', city: 'Moscow' } },
  );
  const token = registered!.register.token;
  await graphql(
    'mutation TopUpWallet($amount: Int!) { topUpWallet(amount: $amount) { id } }',
    { amount: 100_000_00 },
    token,
  );
  return token;
}

/** A shopper's visit; resolves with the trace ids of its checkout and its payment once the payment is pushed. */
async function session(token: string): Promise<{ checkout: string; payment: string }> {
  for (let page = 0; page < 10; page++) {
    await graphql(
      'query CatalogPage($first: Int) { products(first: $first) { edges { node { id name } } } }',
      {
        first: 12,
      },
    );
  }
  const { data: catalog } = await graphql<{
    products: { edges: { node: { id: string; stock: { available: number } } }[] };
  }>('query BrowseProducts { products(first: 50) { edges { node { id stock { available } } } } }');
  const product = catalog!.products.edges.find((edge) => edge.node.stock.available > 1)?.node;
  if (!product) throw new Error('no product in stock');
  await graphql(
    'mutation AddToCart($productId: ID!, $quantity: Int!) { addToCart(productId: $productId, quantity: $quantity) { id } }',
    { productId: product.id, quantity: 1 },
    token,
  );
  const placed = await graphql<{ checkout: { id: string } }>(
    'mutation Checkout($input: CheckoutInput!) { checkout(input: $input) { id status } }',
    { input: { idempotencyKey: randomUUID(), shippingAddress: '7 Garden Ring, Moscow' } },
    token,
  );
  const orderId = placed.data!.checkout.id;
  if (!placed.traceId)
    throw new Error('the gateway sent no traceparent: is tracing on (npm start -- --observability)?');

  const client = createClient({
    url: GATEWAY.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
  });
  const paid = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no PAID push within 30 s')), 30_000);
    client.subscribe<{ orderStatusChanged: { status: string } }>(
      {
        query: 'subscription TrackOrder($orderId: ID!) { orderStatusChanged(orderId: $orderId) { status } }',
        variables: { orderId },
      },
      {
        next: ({ data }) => {
          if (data?.orderStatusChanged.status === 'PAID') {
            clearTimeout(timer);
            resolve();
          }
        },
        error: reject,
        complete: () => undefined,
      },
    );
  });
  // Stock is reserved asynchronously; pay once the order awaits payment.
  for (let attempt = 0; ; attempt++) {
    const { data } = await graphql<{ order: { status: string } }>(
      'query OrderById($id: ID!) { order(id: $id) { status } }',
      { id: orderId },
      token,
    );
    if (data?.order.status === 'AWAITING_PAYMENT') break;
    if (attempt > 80) throw new Error(`order ${orderId} is ${data?.order.status}, not AWAITING_PAYMENT`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const payment = await graphql(
    'mutation PayOrder($orderId: ID!) { payOrder(orderId: $orderId) { id } }',
    { orderId },
    token,
  );
  await paid;
  await client.dispose();
  return { checkout: placed.traceId, payment: payment.traceId ?? '' };
}

function screenshot(name: string, url: string, size = '1400,900'): void {
  const file = join(IMAGES, name);
  const result = spawnSync(
    process.env.CHROMIUM ?? 'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      `--window-size=${size}`,
      '--virtual-time-budget=15000',
      `--screenshot=${file}`,
      url,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`chromium failed for ${url}: ${result.stderr}`);
  console.log(`wrote ${file}`);
}

/** Prometheus' graph page with one graph per expression, over the last 5 minutes. */
function graphUrl(expressions: string[]): string {
  const params = new URLSearchParams();
  expressions.forEach((expression, index) => {
    params.set(`g${index}.expr`, expression);
    params.set(`g${index}.tab`, '0');
    params.set(`g${index}.range_input`, '5m');
  });
  return `${PROMETHEUS}/classic/graph?${params.toString()}`;
}

async function main(): Promise<void> {
  mkdirSync(IMAGES, { recursive: true });
  // A minute of shoppers, so the graphs have a few points to draw.
  const token = await customer();
  let traces = await session(token);
  for (const until = Date.now() + 60_000; Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // within the per-user rate limit
    traces = await session(token);
  }
  console.log(`checkout trace ${traces.checkout}, payment trace ${traces.payment}`);
  // Let the last spans reach Zipkin and two more scrapes reach Prometheus.
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  screenshot('checkout-trace.png', `${zipkinUrl()}/zipkin/traces/${traces.checkout}`, '1400,1600');
  screenshot('payment-trace.png', `${zipkinUrl()}/zipkin/traces/${traces.payment}`, '1400,2000');
  screenshot(
    'prometheus-golden-signals.png',
    graphUrl([
      'sum by (operation, outcome) (rate(marketplace_graphql_operations_total{service="gateway"}[1m]))',
      'histogram_quantile(0.95, sum by (le, subgraph) (rate(marketplace_subgraph_fetch_duration_seconds_bucket[1m])))',
    ]),
    '1400,1300',
  );
  screenshot(
    'dashboard-saga-queries.png',
    graphUrl([
      'max by (service) (marketplace_outbox_oldest_unpublished_age_seconds)',
      'sum by (group, topic) (marketplace_kafka_consumer_lag)',
      'histogram_quantile(0.95, sum by (le) (rate(marketplace_subscription_push_latency_seconds_bucket[5m])))',
    ]),
    '1400,2300',
  );
  screenshot('prometheus-alerts.png', `${PROMETHEUS}/classic/alerts`, '1400,1100');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
