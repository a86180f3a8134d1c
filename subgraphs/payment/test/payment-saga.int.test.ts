import type { Producer } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  createTokenSigner,
  namespaced,
  newId,
  TOPICS,
  type EventCatalogue,
  type EventType,
  type IntegrationEvent,
  type Role,
} from '@marketplace/platform';
import {
  errorCodes,
  eventually,
  graphql,
  whileWritesRefused,
  startTestSubgraph,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { PaymentServices } from '../src/context';
import type { Payment } from '../src/entities/payment.entity';
import { paymentSubgraph } from '../src/server';

const PAY_ORDER = /* GraphQL */ `
  mutation PayOrder($orderId: ID!) {
    payOrder(orderId: $orderId) {
      id
      status
      amount {
        amount
        currency
      }
      failureReason
    }
  }
`;
const TOP_UP = /* GraphQL */ `
  mutation TopUp($amount: Int!) {
    topUpWallet(amount: $amount) {
      id
    }
  }
`;
const ORDER_PAYMENT = /* GraphQL */ `
  query OrderPayment($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Order {
        payment {
          id
          status
          failureReason
        }
      }
    }
  }
`;

interface PaymentView {
  id: string;
  status: string;
  amount: { amount: number; currency: string };
  failureReason: string | null;
}
interface OutboxRow {
  type: string;
  payload: IntegrationEvent;
  published_at: Date | null;
}

let service: TestSubgraph<PaymentServices>;
let sign: (user: { id: string; role: Role }) => string;
let producer: Producer;

beforeAll(async () => {
  // Refusals of PENDING / unknown orders wait this long for the read model first.
  service = await startTestSubgraph(paymentSubgraph, undefined, {}, { orderSyncWaitMs: 300 });
  sign = createTokenSigner(service.config.jwtSecret, '1h').sign;
  producer = createKafka(service.config, createLogger('payment-saga-test', 'silent')).producer();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await service.destroy();
});

const customer = () => {
  const id = newId();
  return { id, token: sign({ id, role: 'CUSTOMER' }) };
};
type Customer = ReturnType<typeof customer>;

const orderEvent = <TType extends EventType>(
  type: TType,
  orderId: string,
  version: number,
  payload: EventCatalogue[TType],
): IntegrationEvent => createEvent({ type, orderId, version, source: 'order', payload });
const placed = (orderId: string, userId: string, amount: number) =>
  orderEvent('OrderPlaced', orderId, 1, {
    userId,
    items: [{ productId: newId(), quantity: 1, unitPrice: amount }],
    total: { amount, currency: 'RUB' },
    shippingAddress: '12 Rose St, Kazan',
  });
const statusChanged = (orderId: string, userId: string, version: number, status: string, previous: string) =>
  orderEvent('OrderStatusChanged', orderId, version, {
    userId,
    status,
    previousStatus: previous,
    reason: null,
  });
const cancelled = (orderId: string, userId: string, version = 3) =>
  orderEvent('OrderCancelled', orderId, version, {
    userId,
    reason: 'CUSTOMER_REQUEST',
    previousStatus: 'AWAITING_PAYMENT',
  });

/** Applies an order event exactly as the Kafka consumer would. */
const apply = (event: IntegrationEvent) => service.services.events!.consumer!.apply(event);

/** An order of `buyer` the payment service has heard of, by default awaiting payment. */
async function orderOf(buyer: Customer, amount: number, awaitingPayment = true): Promise<string> {
  const orderId = newId();
  await apply(placed(orderId, buyer.id, amount));
  if (awaitingPayment) await apply(statusChanged(orderId, buyer.id, 2, 'AWAITING_PAYMENT', 'PENDING'));
  return orderId;
}

const payOrder = (orderId: string, token: string | null) =>
  graphql<{ payOrder: PaymentView }>(service.url, PAY_ORDER, { orderId }, token);
const topUp = async (buyer: Customer, amount: number) => {
  const result = await graphql(service.url, TOP_UP, { amount }, buyer.token);
  expect(result.errors).toBeUndefined();
};
const orderPayment = async (orderId: string, token: string) =>
  (
    await graphql<{ _entities: { payment: PaymentView | null }[] }>(
      service.url,
      ORDER_PAYMENT,
      { representations: [{ __typename: 'Order', id: orderId }] },
      token,
    )
  ).data?._entities[0]?.payment;

const sql = <T>(query: string, params: unknown[] = []) =>
  service.orm.em.getConnection().execute<T[]>(query, params);
const outbox = (orderId: string) =>
  sql<OutboxRow>('select type, payload, published_at from outbox where message_key = ? order by position', [
    orderId,
  ]);
// `bigint` amounts come back from pg as strings; the helpers read them as numbers.
const payable = async (orderId: string) =>
  (
    await sql<{ user_id: string; amount: number; currency: string; status: string; order_version: number }>(
      'select user_id, amount::float8 as amount, currency, status, order_version from payable_orders where order_id = ?',
      [orderId],
    )
  )[0];
const balanceOf = async (userId: string) =>
  (await service.services.wallets.openWallet({ em: service.orm.em.fork() }, userId)).balanceAmount;
const ledgerOf = (userId: string) =>
  sql<{ kind: string; amount: number }>(
    `select t.kind, t.amount::float8 as amount from wallet_transactions t join wallets w on w.id = t.wallet_id
     where w.user_id = ? order by t.created_at`,
    [userId],
  );
const paymentsOf = (orderId: string) =>
  sql<{ id: string; status: string }>(
    'select id, status from payments where order_id = ? order by created_at',
    [orderId],
  );

describe('payment saga: the read model of payable orders', () => {
  it('records a placed order as PENDING with its buyer and total, once', async () => {
    const buyer = customer();
    const orderId = newId();
    expect(await apply(placed(orderId, buyer.id, 4_990))).toBe(true);
    // A second OrderPlaced for the same order (another event id) changes nothing.
    await apply(placed(orderId, newId(), 1));
    expect(await payable(orderId)).toEqual({
      user_id: buyer.id,
      amount: 4_990,
      currency: 'RUB',
      status: 'PENDING',
      order_version: 1,
    });
  });

  it('follows status changes and ignores an older one arriving after a newer one', async () => {
    const buyer = customer();
    const orderId = await orderOf(buyer, 1_000, false);
    await apply(statusChanged(orderId, buyer.id, 3, 'PAID', 'AWAITING_PAYMENT'));
    await apply(statusChanged(orderId, buyer.id, 2, 'AWAITING_PAYMENT', 'PENDING'));
    expect(await payable(orderId)).toMatchObject({ status: 'PAID', order_version: 3 });
  });

  it('never moves a cancelled order to another status', async () => {
    const buyer = customer();
    const orderId = await orderOf(buyer, 1_000);
    await apply(cancelled(orderId, buyer.id, 3));
    await apply(statusChanged(orderId, buyer.id, 4, 'AWAITING_PAYMENT', 'PENDING'));
    expect(await payable(orderId)).toMatchObject({ status: 'CANCELLED', order_version: 3 });
  });

  it('consumes order events from Kafka', async () => {
    const buyer = customer();
    const orderId = newId();
    const event = placed(orderId, buyer.id, 2_500);
    await producer.send({
      topic: namespaced(service.config, TOPICS.order),
      messages: [{ key: orderId, value: JSON.stringify(event) }],
    });
    await eventually(() => payable(orderId), { timeoutMs: 20_000, message: 'the payable order' });
    expect(await payable(orderId)).toMatchObject({ amount: 2_500, status: 'PENDING' });
  });
});

describe('payment saga: payOrder', () => {
  it('charges the buyer’s wallet once and announces PaymentSucceeded through the outbox', async () => {
    const buyer = customer();
    await topUp(buyer, 10_000);
    const orderId = await orderOf(buyer, 4_990);

    const result = await payOrder(orderId, buyer.token);
    expect(result.errors).toBeUndefined();
    const payment = result.data!.payOrder;
    expect(payment).toMatchObject({
      status: 'SUCCEEDED',
      amount: { amount: 4_990, currency: 'RUB' },
      failureReason: null,
    });
    expect(await balanceOf(buyer.id)).toBe(5_010);
    expect(await orderPayment(orderId, buyer.token)).toMatchObject({ id: payment.id, status: 'SUCCEEDED' });

    const [announced, ...others] = await outbox(orderId);
    expect(others).toEqual([]);
    expect(announced.type).toBe('PaymentSucceeded');
    expect(announced.payload).toMatchObject({
      type: 'PaymentSucceeded',
      orderId,
      version: 1,
      schemaVersion: 1,
      source: 'payment',
      payload: { paymentId: payment.id, userId: buyer.id, amount: { amount: 4_990, currency: 'RUB' } },
    });
    // The relay publishes it to the payment topic.
    await service.services.events!.relay!.drained();
    expect((await outbox(orderId))[0].published_at).not.toBeNull();
  });

  it('charges once when the same order is paid five times concurrently, giving everyone the same payment', async () => {
    const buyer = customer();
    await topUp(buyer, 10_000);
    const orderId = await orderOf(buyer, 3_000);

    const results = await Promise.all(Array.from({ length: 5 }, () => payOrder(orderId, buyer.token)));
    expect(results.flatMap(errorCodes)).toEqual([]);
    expect(new Set(results.map((result) => result.data?.payOrder.id)).size).toBe(1);
    expect(await balanceOf(buyer.id)).toBe(7_000);
    expect((await ledgerOf(buyer.id)).filter((line) => line.kind === 'PAYMENT')).toHaveLength(1);
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['PaymentSucceeded']);
  });

  it('returns the same payment to a repeated submit after the order was confirmed PAID', async () => {
    const buyer = customer();
    await topUp(buyer, 1_000);
    const orderId = await orderOf(buyer, 1_000);
    const first = (await payOrder(orderId, buyer.token)).data!.payOrder;
    await apply(statusChanged(orderId, buyer.id, 3, 'PAID', 'AWAITING_PAYMENT'));

    const again = await payOrder(orderId, buyer.token);
    expect(again.errors).toBeUndefined();
    expect(again.data?.payOrder.id).toBe(first.id);
    expect(await balanceOf(buyer.id)).toBe(0);
  });

  it('refuses a payment the wallet cannot cover, charging nothing, and accepts it after a top-up', async () => {
    const buyer = customer();
    await topUp(buyer, 1_000);
    const orderId = await orderOf(buyer, 4_990);

    const refused = await payOrder(orderId, buyer.token);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0].message).toBe('Insufficient funds: balance 1000, order total 4990');
    expect(refused.errors?.[0].extensions).toMatchObject({ reason: 'INSUFFICIENT_FUNDS', field: 'orderId' });
    expect(await balanceOf(buyer.id)).toBe(1_000);
    expect((await ledgerOf(buyer.id)).map((line) => line.kind)).toEqual(['TOP_UP']);
    expect(await payable(orderId)).toMatchObject({ status: 'AWAITING_PAYMENT' });
    expect(await outbox(orderId)).toEqual([]);
    expect(await orderPayment(orderId, buyer.token)).toMatchObject({
      status: 'FAILED',
      failureReason: 'Insufficient funds',
    });

    await topUp(buyer, 4_000);
    const paid = await payOrder(orderId, buyer.token);
    expect(paid.errors).toBeUndefined();
    expect(paid.data?.payOrder.status).toBe('SUCCEEDED');
    expect(await balanceOf(buyer.id)).toBe(10);
    expect(await orderPayment(orderId, buyer.token)).toMatchObject({ id: paid.data?.payOrder.id });
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['PaymentSucceeded']);
  });

  it.each([
    ['PENDING', false, 'Order is PENDING: stock is still being reserved'],
    ['CANCELLED', true, 'Order is CANCELLED'],
  ])(
    'refuses to pay for a %s order with ORDER_NOT_PAYABLE, charging nothing',
    async (_s, cancel, message) => {
      const buyer = customer();
      await topUp(buyer, 5_000);
      const orderId = await orderOf(buyer, 1_000, cancel);
      if (cancel) await apply(cancelled(orderId, buyer.id));

      const result = await payOrder(orderId, buyer.token);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].message).toBe(message);
      expect(result.errors?.[0].extensions?.reason).toBe('ORDER_NOT_PAYABLE');
      expect(await balanceOf(buyer.id)).toBe(5_000);
      expect(await paymentsOf(orderId)).toEqual([]);
    },
  );

  it('pays an order whose AWAITING_PAYMENT event arrives while payOrder is waiting for it', async () => {
    const buyer = customer();
    await topUp(buyer, 5_000);
    const orderId = await orderOf(buyer, 1_000, false);
    // The client saw AWAITING_PAYMENT at the order service; this service hears of it a moment later.
    service.resetQueries();
    const paying = payOrder(orderId, buyer.token);
    await eventually(() => service.queries.some((sql) => /\bpayable_orders\b/.test(sql)), {
      timeoutMs: 250,
      intervalMs: 5,
      message: 'payOrder to look for the order in the read model',
    });
    await apply(statusChanged(orderId, buyer.id, 2, 'AWAITING_PAYMENT', 'PENDING'));
    const result = await paying;
    expect(result.errors).toBeUndefined();
    expect(result.data?.payOrder.status).toBe('SUCCEEDED');
    expect(await balanceOf(buyer.id)).toBe(4_000);
  });

  it('refuses to pay for someone else’s order, also to administrators (FORBIDDEN)', async () => {
    const buyer = customer();
    const orderId = await orderOf(buyer, 1_000);
    const stranger = customer();
    await topUp(stranger, 5_000);
    expect(errorCodes(await payOrder(orderId, stranger.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await payOrder(orderId, sign({ id: newId(), role: 'ADMIN' })))).toEqual(['FORBIDDEN']);
    expect(await balanceOf(stranger.id)).toBe(5_000);
    expect(await paymentsOf(orderId)).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown order, BAD_USER_INPUT for a malformed id, UNAUTHENTICATED when anonymous', async () => {
    const buyer = customer();
    expect(errorCodes(await payOrder(newId(), buyer.token))).toEqual(['NOT_FOUND']);
    const malformed = await payOrder('order-1', buyer.token);
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors?.[0].extensions?.field).toBe('orderId');
    expect(errorCodes(await payOrder(await orderOf(buyer, 100), null))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('payment saga: refunds on cancellation', () => {
  it('refunds a paid order once when it is cancelled, even if the cancellation arrives again', async () => {
    const buyer = customer();
    await topUp(buyer, 6_000);
    const orderId = await orderOf(buyer, 4_000);
    const payment = (await payOrder(orderId, buyer.token)).data!.payOrder;
    const cancellation = cancelled(orderId, buyer.id, 4);

    expect(await apply(cancellation)).toBe(true);
    expect(await apply(cancellation)).toBe(false);
    // Even a second cancellation event (another id) finds nothing left to refund.
    expect(await apply(cancelled(orderId, buyer.id, 4))).toBe(true);

    expect(await balanceOf(buyer.id)).toBe(6_000);
    expect((await ledgerOf(buyer.id)).map((line) => [line.kind, line.amount])).toEqual([
      ['TOP_UP', 6_000],
      ['PAYMENT', -4_000],
      ['REFUND', 4_000],
    ]);
    expect(await paymentsOf(orderId)).toEqual([{ id: payment.id, status: 'REFUNDED' }]);
    expect(await payable(orderId)).toMatchObject({ status: 'CANCELLED', order_version: 4 });
    const events = await outbox(orderId);
    expect(events.map((row) => row.type)).toEqual(['PaymentSucceeded', 'PaymentRefunded']);
    expect(events[1].payload).toMatchObject({
      orderId,
      version: 2,
      source: 'payment',
      payload: { paymentId: payment.id, userId: buyer.id, amount: { amount: 4_000, currency: 'RUB' } },
    });
  });

  it('cancels an unpaid order without refunding or announcing anything', async () => {
    const buyer = customer();
    await topUp(buyer, 1_000);
    const orderId = await orderOf(buyer, 500);
    await apply(cancelled(orderId, buyer.id));
    expect(await payable(orderId)).toMatchObject({ status: 'CANCELLED' });
    expect(await balanceOf(buyer.id)).toBe(1_000);
    expect(await outbox(orderId)).toEqual([]);
  });

  it('never leaves a charge on a cancelled order when payment and cancellation race', async () => {
    for (let round = 0; round < 25; round++) {
      const buyer = customer();
      await topUp(buyer, 2_000);
      const orderId = await orderOf(buyer, 1_500);
      const pay = () => service.services.orderPayments.payOrder({ em: service.orm.em.fork() }, orderId);
      const cancel = () => apply(cancelled(orderId, buyer.id));
      // Alternate which one starts first, so both interleavings get their chance.
      let paid: PromiseSettledResult<Payment>;
      if (round % 2 === 0) [paid] = await Promise.allSettled([pay(), cancel()]);
      else [, paid] = await Promise.allSettled([cancel(), pay()]);

      expect(await balanceOf(buyer.id)).toBe(2_000);
      expect(await payable(orderId)).toMatchObject({ status: 'CANCELLED' });
      const events = (await outbox(orderId)).map((row) => row.type);
      if (paid.status === 'fulfilled') {
        expect(await paymentsOf(orderId)).toEqual([{ id: paid.value.id, status: 'REFUNDED' }]);
        expect(events).toEqual(['PaymentSucceeded', 'PaymentRefunded']);
      } else {
        expect(paid.reason).toMatchObject({ details: { reason: 'ORDER_NOT_PAYABLE' } });
        expect(await paymentsOf(orderId)).toEqual([]);
        expect(events).toEqual([]);
      }
    }
  });
});

const refusing = <T>(table: string, condition: string, action: () => Promise<T>): Promise<T> =>
  whileWritesRefused(service.orm, { table, condition }, action);

describe('payment saga: an event commits with its change or not at all', () => {
  it('takes no money when PaymentSucceeded cannot be written, and charges once with one event afterwards', async () => {
    const buyer = customer();
    await topUp(buyer, 5_000);
    const orderId = await orderOf(buyer, 2_000);
    const refused = await refusing('outbox', `new.message_key = '${orderId}'`, () =>
      payOrder(orderId, buyer.token),
    );

    expect(errorCodes(refused)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await balanceOf(buyer.id)).toBe(5_000);
    expect((await ledgerOf(buyer.id)).map((line) => line.kind)).toEqual(['TOP_UP']);
    expect(await paymentsOf(orderId)).toEqual([]);

    const paid = await payOrder(orderId, buyer.token);
    expect(paid.errors).toBeUndefined();
    expect(await balanceOf(buyer.id)).toBe(3_000);
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['PaymentSucceeded']);
  });

  it('announces nothing when the payment itself cannot be recorded', async () => {
    const buyer = customer();
    await topUp(buyer, 5_000);
    const orderId = await orderOf(buyer, 2_000);
    const refused = await refusing('payments', `new.order_id = '${orderId}'`, () =>
      payOrder(orderId, buyer.token),
    );

    expect(errorCodes(refused)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await outbox(orderId)).toEqual([]);
    expect(await balanceOf(buyer.id)).toBe(5_000);
  });

  it('keeps the charge when PaymentRefunded cannot be written, and refunds once when the event is retried', async () => {
    const buyer = customer();
    await topUp(buyer, 5_000);
    const orderId = await orderOf(buyer, 2_000);
    const payment = (await payOrder(orderId, buyer.token)).data!.payOrder;
    const cancellation = cancelled(orderId, buyer.id, 4);
    await expect(
      refusing('outbox', `new.message_key = '${orderId}' and new.type = 'PaymentRefunded'`, () =>
        apply(cancellation),
      ),
    ).rejects.toThrow(/test refuses this outbox row/);

    expect(await balanceOf(buyer.id)).toBe(3_000);
    expect(await paymentsOf(orderId)).toEqual([{ id: payment.id, status: 'SUCCEEDED' }]);
    expect(await payable(orderId)).toMatchObject({ status: 'AWAITING_PAYMENT' });
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['PaymentSucceeded']);

    expect(await apply(cancellation)).toBe(true);
    expect(await balanceOf(buyer.id)).toBe(5_000);
    expect(await paymentsOf(orderId)).toEqual([{ id: payment.id, status: 'REFUNDED' }]);
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['PaymentSucceeded', 'PaymentRefunded']);
  });
});
