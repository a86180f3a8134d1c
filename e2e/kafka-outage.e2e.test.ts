import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKafka, type KafkaHandle } from '../scripts/kafka/kafka';
import { registerCustomer, startStack, type SignedIn, type Stack } from './harness';
import {
  addToCart,
  createProduct,
  payOrder,
  placeOrder,
  readOrder,
  signInAdmin,
  stockReserved,
  topUp,
  waitForOrder,
} from './saga';

/**
 * Kafka goes down while an order is being paid and comes back: nothing is lost. The stack runs
 * on a private broker (its own port and data directory) so stopping it disturbs no other test.
 */
const PORT = Number(process.env.KAFKA_OUTAGE_TEST_PORT || 19092);
const brokers = `127.0.0.1:${PORT}`;
const dataDir = join(__dirname, '..', '.local', `kafka-outage-${process.pid}`);

let kafka: KafkaHandle;
let stack: Stack;
let admin: SignedIn;

const startBroker = () => ensureKafka({ brokers, dataDir, controllerPort: PORT + 1 });
/** Starting or restarting the private broker (a JVM) on a shared machine. */
const BROKER_START_MS = 45_000;
/** After the broker is back: the relays' and consumers' reconnect backoff (≤ 5 s) plus the saga. */
const RECOVERY_MS = 30_000;

beforeAll(async () => {
  kafka = await startBroker();
  stack = await startStack({ kafkaBrokers: [brokers] });
  admin = await signInAdmin(stack);
}, BROKER_START_MS + 45_000);

afterAll(async () => {
  await stack?.stop();
  await kafka?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 45_000);

it(
  'delivers a payment made while Kafka is down once Kafka is back: the order is paid and its delivery created',
  async () => {
    const customer = await registerCustomer(stack, 'outage');
    const productId = await createProduct(stack, admin, 75_000, 5);
    await addToCart(stack, customer, productId, 1);
    await topUp(stack, customer, 100_000);
    const orderId = await placeOrder(stack, customer);
    await stockReserved(stack, customer, orderId);

    await kafka.stop();
    const paid = await payOrder(stack, customer, orderId);
    expect(paid.errors).toBeUndefined();
    expect(paid.data?.payOrder.status).toBe('SUCCEEDED');
    // The charge is committed with its event in the payment outbox; it cannot leave while Kafka is down.
    const [pending] = await stack.payment.orm.em
      .getConnection()
      .execute<{ count: string }[]>('select count(*) from outbox where published_at is null');
    expect(Number(pending.count)).toBeGreaterThan(0);
    expect((await readOrder(stack, customer, orderId)).status).toBe('AWAITING_PAYMENT');

    kafka = await startBroker();
    const settled = await waitForOrder(
      stack,
      customer,
      orderId,
      (order) => order.status === 'PAID' && order.delivery?.status === 'CREATED',
      'the order to be paid and its delivery created after Kafka returns',
      RECOVERY_MS,
    );
    expect(settled.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'AWAITING_PAYMENT',
      'PAID',
    ]);
  },
  2 * BROKER_START_MS + RECOVERY_MS,
);
