import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@marketplace/platform/testing';
import { connect, subscribe, type Socket } from '../gateway/test/ws-client';
import { ensureKafka, type KafkaHandle } from '../scripts/kafka/kafka';
import { registerCustomer, startStack, type SignedIn, type Stack } from './harness';
import { addToCart, createProduct, DEADLINE, payOrder, placeOrder, signInAdmin, topUp } from './saga';

/**
 * Kafka goes down while a customer is watching their order and comes back: the status change
 * made meanwhile reaches the still-open subscription. The stack runs on a private broker (its own
 * port and data directory) so stopping it disturbs no other test.
 */
const PORT = Number(process.env.KAFKA_SUBSCRIPTIONS_OUTAGE_TEST_PORT || 19096);
const brokers = `127.0.0.1:${PORT}`;
const dataDir = join(__dirname, '..', '.local', `kafka-subscriptions-outage-${process.pid}`);

let kafka: KafkaHandle;
let stack: Stack;
let admin: SignedIn;
let socket: Socket | undefined;

const startBroker = () => ensureKafka({ brokers, dataDir, controllerPort: PORT + 1 });
/** Starting or restarting the private broker (a JVM) on a shared machine. */
const BROKER_START_MS = 45_000;
/** After the broker is back: the relay's and the gateway consumer's reconnect backoff plus two hops. */
const RECOVERY_MS = 30_000;

beforeAll(async () => {
  kafka = await startBroker();
  stack = await startStack({ kafkaBrokers: [brokers] });
  admin = await signInAdmin(stack);
  await eventually(() => stack.gateway.subscriptions!.source.consuming, {
    timeoutMs: DEADLINE.saga,
    message: "the gateway's order event consumer",
  });
}, BROKER_START_MS + 60_000);

afterAll(async () => {
  await socket?.client.dispose();
  await stack?.stop();
  await kafka?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 45_000);

it(
  'delivers a status change made while Kafka was down to the still-open subscription once Kafka is back',
  async () => {
    const customer = await registerCustomer(stack, 'watcher');
    const productId = await createProduct(stack, admin, 80_000, 5);
    await addToCart(stack, customer, productId, 1);
    await topUp(stack, customer, 100_000);
    socket = connect(stack.gateway, { Authorization: `Bearer ${customer.token}` });
    const mine = subscribe<{ myOrderUpdates: { version: number; status: string } }>(
      socket,
      'subscription { myOrderUpdates { version status } }',
    );
    await eventually(() => stack.gateway.subscriptions!.fanOut.size === 1, {
      message: 'the subscription',
      timeoutMs: DEADLINE.hop,
    });
    const statuses = () => mine.results.map((result) => result.data?.myOrderUpdates.status);

    const orderId = await placeOrder(stack, customer);
    await eventually(() => statuses().includes('AWAITING_PAYMENT'), {
      timeoutMs: DEADLINE.roundTrip,
      message: 'stock reserved, live',
    });

    await kafka.stop();
    const paid = await payOrder(stack, customer, orderId);
    expect(paid.errors).toBeUndefined();
    expect(paid.data?.payOrder.status).toBe('SUCCEEDED');
    kafka = await startBroker();

    await eventually(() => statuses().includes('PAID'), {
      timeoutMs: RECOVERY_MS,
      intervalMs: 200,
      message: 'the payment made during the outage to show up live',
    });
    expect(mine.results.map((result) => result.errors)).toEqual(mine.results.map(() => undefined));
    expect(mine.results.map((result) => result.data?.myOrderUpdates.version)).toEqual([1, 2, 3]);
    expect(statuses()).toEqual(['PENDING', 'AWAITING_PAYMENT', 'PAID']);
    expect(socket.closeCodes).toEqual([]);
  },
  2 * BROKER_START_MS + RECOVERY_MS,
);
