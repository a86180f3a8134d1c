/**
 * `npm run bench:subscriptions` — live order tracking at scale, on this machine, loopback only.
 *
 * Starts the product, order, payment and delivery subgraphs (fresh databases; the order service's
 * real outbox relay runs, the other saga workers do not, so only the benchmark moves orders), the
 * gateway in a process of its own, and per scenario SUBSCRIBERS WebSocket clients in another. Each
 * scenario places ORDERS orders (with a payment and a delivery) and gives each SUBSCRIBERS / ORDERS
 * `orderStatusChanged` subscribers (the owner). Then, in four rounds — the lifecycle steps
 * AWAITING_PAYMENT, PAID, SHIPPED, DELIVERED — every order's change is committed through the order
 * service (status, history row and `OrderStatusChanged` outbox row in one transaction), and the
 * time from that commit to each client receiving the event is recorded.
 *
 * Scenarios (SCENARIOS, comma separated; default all): `federated` (event fields and a
 * cross-subgraph `order { … }` selection, one change every COMMIT_INTERVAL_MS, default 20 ms),
 * `event-only` (event fields only, same pace) and `federated-burst` (every order's change at once).
 *
 * Results: `bench/results/subscriptions.json` and `bench/results/subscriptions.md`.
 * Environment: SUBSCRIBERS (default 1000), ORDERS (default 100), ROUND_TIMEOUT_MS (default 30000),
 * PROFILE_DIR (write a V8 CPU profile of the gateway during each scenario's rounds there).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { composeServices } from '@apollo/composition';
import {
  createTokenSigner,
  loadConfig,
  randomJwtSecret,
  type TokenSigner,
  type Worker,
} from '@marketplace/platform';
import { startTestSubgraph, uniquePrefix, type TestSubgraph } from '@marketplace/platform/testing';
import { parse } from 'graphql';
import * as prettier from 'prettier';
import { ensureKafka } from '../scripts/kafka/kafka';
import { deliverySubgraph } from '../subgraphs/delivery/src/server';
import { orderSubgraph } from '../subgraphs/order/src/server';
import { paymentSubgraph } from '../subgraphs/payment/src/server';
import { productSubgraph } from '../subgraphs/product/src/server';
import type { ClientSpec, Sample } from './subscriptions-clients';
import { children, rpc, spawnChild, until, type Call } from './subscriptions-processes';
import {
  percentiles,
  summary,
  type Memory,
  type Results,
  type RoundResult,
  type ScenarioResult,
} from './subscriptions-report';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS || 1000);
const ORDERS = Number(process.env.ORDERS || 100);
const ROUND_TIMEOUT_MS = Number(process.env.ROUND_TIMEOUT_MS || 30_000);
const PACED_INTERVAL_MS = Number(process.env.COMMIT_INTERVAL_MS || 20);
const WARM_UP_QUERIES = 200;
const TRANSITIONS = ['AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'] as const;

const ORDER_SELECTION = `{
  status
  total { amount currency }
  items { productName quantity product { name price { amount } } }
  payment { status }
  delivery { status }
}`;
const EVENT_FIELDS = 'orderId version status previousStatus occurredAt';
const FEDERATED = `subscription Track($orderId: ID!) {
  orderStatusChanged(orderId: $orderId) { ${EVENT_FIELDS} order ${ORDER_SELECTION} }
}`;
const EVENT_ONLY = `subscription Track($orderId: ID!) { orderStatusChanged(orderId: $orderId) { ${EVENT_FIELDS} } }`;

interface Scenario {
  name: string;
  description: string;
  selection: string;
  /** Pause between two orders' commits in a round; 0 commits them all at once. */
  commitIntervalMs: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'federated',
    description: `event fields + cross-subgraph order selection, one change every ${PACED_INTERVAL_MS} ms`,
    selection: FEDERATED,
    commitIntervalMs: PACED_INTERVAL_MS,
  },
  {
    name: 'event-only',
    description: `event fields only, one change every ${PACED_INTERVAL_MS} ms`,
    selection: EVENT_ONLY,
    commitIntervalMs: PACED_INTERVAL_MS,
  },
  {
    name: 'federated-burst',
    description: 'event fields + cross-subgraph order selection, every order changed at once',
    selection: FEDERATED,
    commitIntervalMs: 0,
  },
].filter((scenario) => !process.env.SCENARIOS || process.env.SCENARIOS.split(',').includes(scenario.name));

const now = (): number => performance.timeOrigin + performance.now();
const log = (message: string): void => console.log(`[bench] ${message}`);
const readSdl = (name: string): string =>
  readFileSync(join(__dirname, '..', 'subgraphs', name, 'src', 'schema.graphql'), 'utf8');

interface Stack {
  product: TestSubgraph<{ catalog: unknown }>;
  order: TestSubgraph<Services<typeof orderSubgraph>>;
  payment: TestSubgraph<Services<typeof paymentSubgraph>>;
  delivery: TestSubgraph<Services<typeof deliverySubgraph>>;
  gateway: Call;
  url: string;
  signer: TokenSigner;
}
type Services<T> = T extends { createServices(...args: never[]): infer S } ? S : never;

async function createOrders(stack: Stack, count: number): Promise<{ id: string; userId: string }[]> {
  const products = await stack.product.orm.em
    .getConnection()
    .execute<{ id: string; name: string; price_amount: number }[]>(
      'select * from products order by name limit 3',
    );
  if (products.length === 0) throw new Error('the product catalog is empty (SEED_DEMO_DATA=false?)');
  const orders: { id: string; userId: string }[] = [];
  for (let index = 0; index < count; index++) {
    const userId = randomUUID();
    const line = products[index % products.length];
    const { order } = await stack.order.services.orders.createOrder(
      { em: stack.order.orm.em.fork() },
      {
        userId,
        idempotencyKey: null,
        shippingAddress: `${index + 1} Bench Street, Moscow`,
        lines: [
          { productId: line.id, productName: line.name, quantity: 1, unitPriceAmount: line.price_amount },
        ],
      },
    );
    await stack.payment.services.orderPayments.recordPlaced(
      { em: stack.payment.orm.em.fork() },
      {
        orderId: order.id,
        userId,
        total: { amount: order.totalAmount, currency: order.currency },
        version: order.version,
      },
    );
    await stack.delivery.services.deliveries.createDelivery(
      { em: stack.delivery.orm.em.fork() },
      { orderId: order.id, userId, destination: order.shippingAddress },
    );
    orders.push({ id: order.id, userId });
  }
  await stack.order.services.events?.relay?.drained(30_000);
  return orders;
}

/** JIT and query-plan cache warm-up: the federated selection, queried over HTTP like a client would. */
async function warmUp(stack: Stack): Promise<void> {
  const orders = await createOrders(stack, 20);
  const query = `query Warm($orderId: ID!) { order(id: $orderId) ${ORDER_SELECTION} }`;
  for (let index = 0; index < WARM_UP_QUERIES; index++) {
    const target = orders[index % orders.length];
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.signer.sign({ id: target.userId, role: 'CUSTOMER' })}`,
      },
      body: JSON.stringify({ query, variables: { orderId: target.id } }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(`warm-up query failed: ${JSON.stringify(body.errors)}`);
  }
}

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1_000;

async function runScenario(stack: Stack, scenario: Scenario): Promise<ScenarioResult> {
  log(`scenario ${scenario.name}: ${scenario.description}`);
  const orders = await createOrders(stack, ORDERS);
  const before = await stack.gateway<Memory>({ type: 'memory' });
  const clients = rpc(spawnChild('subscriptions-clients.ts'));
  const specs: ClientSpec[] = Array.from({ length: SUBSCRIBERS }, (_, index) => {
    const target = orders[index % ORDERS];
    return { orderId: target.id, token: stack.signer.sign({ id: target.userId, role: 'CUSTOMER' }) };
  });
  const subscribeStarted = now();
  await clients({
    type: 'subscribe',
    url: stack.url.replace(/^http/, 'ws'),
    query: scenario.selection,
    clients: specs,
  });
  const registered = async (count: number): Promise<boolean> =>
    (await stack.gateway<{ subscriptions: number }>({ type: 'stats' })).subscriptions === count;
  await until(() => registered(SUBSCRIBERS), 60_000, 'every subscription to be registered');
  const subscribeAllMs = Math.round(now() - subscribeStarted);
  const after = await stack.gateway<Memory>({ type: 'memory' });

  const rounds: RoundResult[] = [];
  const latencies: number[][] = [];
  const errors: string[] = [];
  let orderRequests = 0;
  const countRequest = (): void => void orderRequests++;
  stack.order.server.on('request', countRequest);
  if (process.env.PROFILE_DIR) await stack.gateway({ type: 'profile-start' });
  for (const [index, status] of TRANSITIONS.entries()) {
    const version = index + 2;
    await stack.gateway({ type: 'loop-delay' });
    const cpuBefore = await stack.gateway<NodeJS.CpuUsage>({ type: 'cpu' });
    orderRequests = 0;
    const committedAt = new Map<string, number>();
    const started = now();
    await Promise.all(
      orders.map(async (target, position) => {
        await new Promise((resolve) => setTimeout(resolve, position * scenario.commitIntervalMs));
        await stack.order.services.orders.changeStatus({ em: stack.order.orm.em.fork() }, target.id, status);
        committedAt.set(target.id, now());
      }),
    );
    const commitMs = Math.round(now() - started);
    const round: number[] = [];
    let unexpected = 0;
    const deadline = Date.now() + ROUND_TIMEOUT_MS;
    while (round.length < SUBSCRIBERS && Date.now() < deadline) {
      const batch = await clients<{ samples: Sample[]; errors: string[] }>({ type: 'collect' });
      errors.push(...batch.errors);
      for (const [orderId, sampleVersion, receivedAt] of batch.samples) {
        const committed = committedAt.get(orderId);
        if (sampleVersion !== version || committed === undefined) unexpected++;
        else round.push(receivedAt - committed);
      }
      if (round.length < SUBSCRIBERS) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const gatewayCpu = cpuMs(await stack.gateway<NodeJS.CpuUsage>({ type: 'cpu', since: cpuBefore }));
    const loop = await stack.gateway<{ p50: number; p99: number; max: number }>({ type: 'loop-delay' });
    latencies.push(round);
    rounds.push({
      status,
      commitMs,
      delivered: round.length,
      missing: SUBSCRIBERS - round.length,
      unexpected,
      latencyMs: percentiles(round),
      orderSubgraphRequests: orderRequests,
      gatewayCpuMsPerEvent: Math.round((gatewayCpu / ORDERS) * 100) / 100,
      gatewayEventLoopDelayMs: loop,
    });
    log(`  ${status}: ${JSON.stringify(rounds[rounds.length - 1].latencyMs)}`);
  }
  stack.order.server.off('request', countRequest);
  if (process.env.PROFILE_DIR) {
    const file = join(process.env.PROFILE_DIR, `gateway-${scenario.name}.cpuprofile`);
    await stack.gateway({ type: 'profile-stop', file });
    log(`  gateway CPU profile: ${file}`);
  }
  await clients({ type: 'close' }).catch(() => undefined);
  await until(() => registered(0), 30_000, 'the clients to disconnect');

  const perSubscriber = (field: keyof Memory): number =>
    Math.round((after[field] - before[field]) / SUBSCRIBERS);
  const changesPerSecond =
    scenario.commitIntervalMs > 0 ? Math.round(1_000 / scenario.commitIntervalMs) : null;
  return {
    name: scenario.name,
    description: scenario.description,
    selection: scenario.selection,
    commitIntervalMs: scenario.commitIntervalMs,
    changesPerSecond,
    deliveriesPerSecond: changesPerSecond === null ? null : (changesPerSecond * SUBSCRIBERS) / ORDERS,
    subscribeAllMs,
    latencyMs: percentiles(latencies.flat()),
    latencyMsAfterFirstRound: percentiles(latencies.slice(1).flat()),
    rounds,
    gatewayMemory: {
      before,
      after,
      heapUsedPerSubscriberBytes: perSubscriber('heapUsed'),
      jsPerSubscriberBytes: perSubscriber('heapUsed') + perSubscriber('external'),
      rssPerSubscriberBytes: perSubscriber('rss'),
    },
    errors: errors.slice(0, 10),
  };
}

async function main(): Promise<void> {
  if (SUBSCRIBERS % ORDERS !== 0) throw new Error('SUBSCRIBERS must be a multiple of ORDERS');
  const kafka = await ensureKafka({ log: (message) => log(message) });
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.LOG_LEVEL ??= 'warn';
  // One random secret for this process and the gateway child it forks.
  process.env.JWT_SECRET ??= randomJwtSecret();
  const prefix = uniquePrefix();
  const started: TestSubgraph<unknown>[] = [];
  const hardStop = setTimeout(() => {
    console.error('[bench] did not finish within 20 minutes; giving up');
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  }, 20 * 60_000);
  hardStop.unref();

  try {
    log(`starting subgraphs (namespace ${prefix})`);
    const relayOnly = (workers: Worker[]): Worker[] =>
      workers.filter((worker) => worker.name === 'outbox-relay');
    const [product, order, payment, delivery] = await Promise.all([
      startTestSubgraph({ ...productSubgraph, workers: undefined }, prefix),
      startTestSubgraph(
        {
          ...orderSubgraph,
          workers: (runtime, services) => relayOnly(orderSubgraph.workers!(runtime, services)),
        },
        prefix,
      ),
      startTestSubgraph({ ...paymentSubgraph, workers: undefined }, prefix),
      startTestSubgraph({ ...deliverySubgraph, workers: undefined }, prefix),
    ]);
    started.push(product, order, payment, delivery);
    const composed = composeServices(
      started.map((service) => ({
        name: service.name,
        url: service.url,
        typeDefs: parse(readSdl(service.name)),
      })),
    );
    if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));

    const gatewayProcess = spawnChild('subscriptions-gateway.ts');
    const gateway = rpc(gatewayProcess);
    const { url } = await gateway<{ url: string }>({
      type: 'start',
      supergraphSdl: composed.supergraphSdl,
      kafkaNamespace: order.config.kafkaNamespace,
      kafkaBrokers: order.config.kafkaBrokers,
    });
    await until(
      async () => (await gateway<{ consuming: boolean }>({ type: 'stats' })).consuming,
      60_000,
      'Kafka',
    );
    const signer = createTokenSigner(loadConfig('gateway').jwtSecret, '2h');
    const stack: Stack = { product, order, payment, delivery, gateway, url, signer };
    log(`gateway at ${url}; warming up`);
    await warmUp(stack);

    const scenarios: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) scenarios.push(await runScenario(stack, scenario));

    const results: Results = {
      benchmark: 'subscriptions',
      date: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        os: `${type()} ${release()}`,
        node: process.version,
      },
      setup: {
        subscribers: SUBSCRIBERS,
        orders: ORDERS,
        subscribersPerOrder: SUBSCRIBERS / ORDERS,
        rounds: TRANSITIONS.length,
        warmUpQueries: WARM_UP_QUERIES,
      },
      scenarios,
    };
    const directory = join(__dirname, 'results');
    mkdirSync(directory, { recursive: true });
    // Written as the repository's Prettier would format them, so `npm run lint` stays clean.
    const write = async (file: string, text: string): Promise<void> => {
      const path = join(directory, file);
      const options = await prettier.resolveConfig(path);
      writeFileSync(path, await prettier.format(text, { ...options, filepath: path }));
    };
    await write('subscriptions.json', JSON.stringify(results, null, 2));
    await write('subscriptions.md', summary(results));
    for (const scenario of scenarios) log(`${scenario.name}: ${JSON.stringify(scenario.latencyMs)}`);
    log('results written to bench/results/subscriptions.{json,md}');
    const exited = new Promise((resolve) => gatewayProcess.once('exit', resolve));
    await gateway({ type: 'stop' }).catch(() => undefined);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(started.map((service) => service.destroy().catch(() => undefined)));
    await kafka.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
