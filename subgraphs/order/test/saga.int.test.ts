import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  createTokenSigner,
  ensureTopics,
  namespaced,
  topicSettingsOf,
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
import type { OrderServices } from '../src/context';
import { validateNewOrder } from '../src/domain/order-lines';
import type { OrderStatus } from '../src/domain/order-state';
import { orderSubgraph } from '../src/server';

const CANCEL_ORDER = /* GraphQL */ `
  mutation CancelOrder($id: ID!) {
    cancelOrder(id: $id) {
      id
      status
      cancellationReason
      statusHistory {
        status
        previousStatus
        reason
      }
    }
  }
`;

const ROSES = '0b7a2f53-52a4-4b8e-9e36-4a1f7a0c9d11';

let service: TestSubgraph<OrderServices>;
let tokenFor: (userId: string, role?: Role) => string;

beforeAll(async () => {
  service = await startTestSubgraph(orderSubgraph, undefined, {}, { expirySweepMs: 0 });
  const signer = createTokenSigner(service.config.jwtSecret, '1h');
  tokenFor = (userId, role = 'CUSTOMER') => signer.sign({ id: userId, role });
});
afterAll(() => service.destroy());

async function place(userId = randomUUID()) {
  const { order } = await service.services.orders.createOrder(
    { em: service.orm.em.fork() },
    {
      userId,
      ...validateNewOrder({
        shippingAddress: 'Moscow, Tverskaya 1',
        lines: [{ productId: ROSES, productName: 'Red roses', quantity: 2, unitPriceAmount: 15_000 }],
      }),
    },
  );
  return order;
}

/** An event as another service would emit it (their own per-order version, here always 1). */
const incoming = <TType extends EventType>(
  type: TType,
  orderId: string,
  payload: EventCatalogue[TType],
): IntegrationEvent<TType, EventCatalogue[TType]> =>
  createEvent({ type, orderId, version: 1, source: 'test', payload });

/** Applies an event exactly as the Kafka consumer would: once per event id, in its own transaction. */
const apply = (event: IntegrationEvent) => service.services.events!.consumer!.apply(event);

const EVENTS = {
  stockReserved: (orderId: string) =>
    incoming('StockReserved', orderId, { items: [{ productId: ROSES, quantity: 2 }] }),
  stockReservationFailed: (orderId: string) =>
    incoming('StockReservationFailed', orderId, {
      reason: 'OUT_OF_STOCK',
      unavailable: [{ productId: ROSES, requested: 2, available: 1 }],
    }),
  paymentSucceeded: (orderId: string, userId: string) =>
    incoming('PaymentSucceeded', orderId, {
      paymentId: randomUUID(),
      userId,
      amount: { amount: 30_000, currency: 'RUB' },
    }),
  deliveryDispatched: (orderId: string, userId: string) =>
    incoming('DeliveryDispatched', orderId, {
      deliveryId: randomUUID(),
      userId,
      shippedAt: new Date().toISOString(),
    }),
  deliveryCompleted: (orderId: string, userId: string) =>
    incoming('DeliveryCompleted', orderId, {
      deliveryId: randomUUID(),
      userId,
      deliveredAt: new Date().toISOString(),
    }),
};

interface OutboxRow {
  type: string;
  topic: string;
  payload: IntegrationEvent;
}

const outbox = (orderId: string) =>
  service.orm.em
    .getConnection()
    .execute<OutboxRow[]>('select type, topic, payload from outbox where message_key = ? order by position', [
      orderId,
    ]);

async function stateOf(orderId: string) {
  const [order] = await service.orm.em
    .getConnection()
    .execute<{ status: OrderStatus; cancellation_reason: string | null; version: number }[]>(
      'select status, cancellation_reason, version from orders where id = ?',
      [orderId],
    );
  const history = await service.orm.em
    .getConnection()
    .execute<{ status: string; version: number }[]>(
      'select status, version from order_status_changes where order_id = ? order by version',
      [orderId],
    );
  return {
    ...order,
    history: history.map((row) => row.status),
    events: (await outbox(orderId)).map((row) => row.type),
  };
}

/** Drives an order through the saga up to `status` with the events the other services send. */
async function orderIn(status: OrderStatus, userId = randomUUID()) {
  const order = await place(userId);
  const steps: [OrderStatus, IntegrationEvent][] = [
    ['AWAITING_PAYMENT', EVENTS.stockReserved(order.id)],
    ['PAID', EVENTS.paymentSucceeded(order.id, userId)],
    ['SHIPPED', EVENTS.deliveryDispatched(order.id, userId)],
    ['DELIVERED', EVENTS.deliveryCompleted(order.id, userId)],
  ];
  if (status === 'CANCELLED') {
    await apply(EVENTS.stockReservationFailed(order.id));
    return order;
  }
  for (const [reached, event] of steps) {
    if (status === 'PENDING') break;
    await apply(event);
    if (reached === status) break;
  }
  expect((await stateOf(order.id)).status).toBe(status);
  return order;
}

describe('order saga', () => {
  describe('placing an order', () => {
    it('writes OrderPlaced and OrderStatusChanged (PENDING, version 1) to the order topic', async () => {
      const userId = randomUUID();
      const order = await place(userId);

      const rows = await outbox(order.id);

      expect(rows.map((row) => [row.type, row.topic, row.payload.version])).toEqual([
        ['OrderPlaced', namespaced(service.config, TOPICS.order), 1],
        ['OrderStatusChanged', namespaced(service.config, TOPICS.order), 1],
      ]);
      expect(rows[0].payload).toMatchObject({
        orderId: order.id,
        source: 'order',
        schemaVersion: 1,
        payload: {
          userId,
          items: [{ productId: ROSES, quantity: 2, unitPrice: 15_000 }],
          total: { amount: 30_000, currency: 'RUB' },
          shippingAddress: 'Moscow, Tverskaya 1',
        },
      });
      expect(rows[1].payload.payload).toEqual({
        userId,
        status: 'PENDING',
        previousStatus: null,
        reason: null,
      });
    });
  });

  describe('event handlers', () => {
    it('moves a PENDING order to AWAITING_PAYMENT on StockReserved', async () => {
      const order = await place();

      expect(await apply(EVENTS.stockReserved(order.id))).toBe(true);

      const state = await stateOf(order.id);
      expect(state).toMatchObject({ status: 'AWAITING_PAYMENT', version: 2 });
      expect(state.history).toEqual(['PENDING', 'AWAITING_PAYMENT']);
      const [changed] = (await outbox(order.id)).slice(2);
      expect(changed.payload).toMatchObject({
        type: 'OrderStatusChanged',
        version: 2,
        payload: {
          userId: order.userId,
          status: 'AWAITING_PAYMENT',
          previousStatus: 'PENDING',
          reason: null,
        },
      });
    });

    it('changes the state once when the same event is applied twice', async () => {
      const order = await place();
      const event = EVENTS.stockReserved(order.id);

      const first = await apply(event);
      const second = await apply(event);

      expect([first, second]).toEqual([true, false]);
      const state = await stateOf(order.id);
      expect(state).toMatchObject({ status: 'AWAITING_PAYMENT', version: 2 });
      expect(state.history).toEqual(['PENDING', 'AWAITING_PAYMENT']);
      expect(state.events.filter((type) => type === 'OrderStatusChanged')).toHaveLength(2);
    });

    it('ignores a second StockReserved sent under a new event id', async () => {
      const order = await place();
      await apply(EVENTS.stockReserved(order.id));

      await expect(apply(EVENTS.stockReserved(order.id))).resolves.toBe(true);

      const state = await stateOf(order.id);
      expect(state).toMatchObject({ status: 'AWAITING_PAYMENT', version: 2 });
      expect(state.events).toEqual(['OrderPlaced', 'OrderStatusChanged', 'OrderStatusChanged']);
    });

    it('applies racing copies of one event once (row lock), emitting one status change', async () => {
      const orders = await Promise.all(Array.from({ length: 4 }, () => place()));

      await Promise.all(
        orders.flatMap((order) => Array.from({ length: 5 }, () => apply(EVENTS.stockReserved(order.id)))),
      );

      for (const order of orders) {
        const state = await stateOf(order.id);
        expect(state).toMatchObject({ status: 'AWAITING_PAYMENT', version: 2 });
        expect(state.history).toEqual(['PENDING', 'AWAITING_PAYMENT']);
        expect(state.events).toEqual(['OrderPlaced', 'OrderStatusChanged', 'OrderStatusChanged']);
      }
    });

    it('cancels with reason OUT_OF_STOCK on StockReservationFailed and emits OrderCancelled', async () => {
      const order = await place();

      await apply(EVENTS.stockReservationFailed(order.id));

      const state = await stateOf(order.id);
      expect(state).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'OUT_OF_STOCK', version: 2 });
      const rows = (await outbox(order.id)).slice(2);
      expect(rows.map((row) => [row.type, row.payload.version, row.payload.payload])).toEqual([
        ['OrderCancelled', 2, { userId: order.userId, reason: 'OUT_OF_STOCK', previousStatus: 'PENDING' }],
        [
          'OrderStatusChanged',
          2,
          { userId: order.userId, status: 'CANCELLED', previousStatus: 'PENDING', reason: 'OUT_OF_STOCK' },
        ],
      ]);
    });

    it('marks an order PAID on PaymentSucceeded and emits OrderPaid with the shipping address', async () => {
      const userId = randomUUID();
      const order = await orderIn('AWAITING_PAYMENT', userId);

      await apply(EVENTS.paymentSucceeded(order.id, userId));

      expect(await stateOf(order.id)).toMatchObject({ status: 'PAID', version: 3 });
      const rows = (await outbox(order.id)).slice(3);
      expect(rows.map((row) => [row.type, row.payload.version, row.payload.payload])).toEqual([
        [
          'OrderPaid',
          3,
          { userId, shippingAddress: 'Moscow, Tverskaya 1', total: { amount: 30_000, currency: 'RUB' } },
        ],
        [
          'OrderStatusChanged',
          3,
          { userId, status: 'PAID', previousStatus: 'AWAITING_PAYMENT', reason: null },
        ],
      ]);
    });

    it('leaves a CANCELLED order cancelled when its payment succeeds late (payment refunds it)', async () => {
      const userId = randomUUID();
      const order = await orderIn('AWAITING_PAYMENT', userId);
      await service.services.orders.changeStatus(
        { em: service.orm.em.fork() },
        order.id,
        'CANCELLED',
        'CUSTOMER_REQUEST',
      );
      const before = await stateOf(order.id);

      await expect(apply(EVENTS.paymentSucceeded(order.id, userId))).resolves.toBe(true);

      expect(await stateOf(order.id)).toEqual(before);
      expect(before).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'CUSTOMER_REQUEST' });
    });

    it('ships on DeliveryDispatched (emitting OrderShipped) and completes on DeliveryCompleted', async () => {
      const userId = randomUUID();
      const order = await orderIn('PAID', userId);

      await apply(EVENTS.deliveryDispatched(order.id, userId));
      expect(await stateOf(order.id)).toMatchObject({ status: 'SHIPPED', version: 4 });
      await apply(EVENTS.deliveryCompleted(order.id, userId));

      const state = await stateOf(order.id);
      expect(state).toMatchObject({ status: 'DELIVERED', version: 5 });
      expect(state.history).toEqual(['PENDING', 'AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED']);
      const rows = (await outbox(order.id)).slice(5);
      expect(rows.map((row) => [row.type, row.payload.version, row.payload.payload])).toEqual([
        ['OrderShipped', 4, { userId }],
        ['OrderStatusChanged', 4, { userId, status: 'SHIPPED', previousStatus: 'PAID', reason: null }],
        ['OrderStatusChanged', 5, { userId, status: 'DELIVERED', previousStatus: 'SHIPPED', reason: null }],
      ]);
    });

    it.each<[string, OrderStatus, (orderId: string, userId: string) => IntegrationEvent]>([
      ['DeliveryDispatched (SHIPPED) from AWAITING_PAYMENT', 'AWAITING_PAYMENT', EVENTS.deliveryDispatched],
      ['DeliveryCompleted (DELIVERED) from PAID', 'PAID', EVENTS.deliveryCompleted],
      ['PaymentSucceeded from PENDING', 'PENDING', EVENTS.paymentSucceeded],
      ['a late StockReserved after OUT_OF_STOCK', 'CANCELLED', (orderId) => EVENTS.stockReserved(orderId)],
      [
        'StockReservationFailed once reserved',
        'AWAITING_PAYMENT',
        (orderId) => EVENTS.stockReservationFailed(orderId),
      ],
      ['a late StockReserved once DELIVERED', 'DELIVERED', (orderId) => EVENTS.stockReserved(orderId)],
    ])('ignores %s without throwing, changing nothing', async (_case, status, event) => {
      const userId = randomUUID();
      const order = await orderIn(status, userId);
      const before = await stateOf(order.id);

      await expect(apply(event(order.id, userId))).resolves.toBe(true);

      expect(await stateOf(order.id)).toEqual(before);
    });

    it('refuses an event for an unknown order (retried, then dead-lettered) and records nothing', async () => {
      const orderId = randomUUID();
      const event = EVENTS.stockReserved(orderId);

      await expect(apply(event)).rejects.toThrow(`StockReserved names unknown order ${orderId}`);

      const processed = await service.orm.em
        .getConnection()
        .execute('select 1 from processed_events where event_id = ?', [event.eventId]);
      expect(processed).toHaveLength(0);
    });

    it('numbers the events of a whole lifecycle in order: status changes 1..5, nothing going back', async () => {
      const userId = randomUUID();
      const order = await orderIn('DELIVERED', userId);

      const rows = await outbox(order.id);

      const versions = rows.map((row) => row.payload.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      const changes = rows.filter((row) => row.type === 'OrderStatusChanged');
      expect(changes.map((row) => [row.payload.version, row.payload.payload])).toEqual([
        [1, { userId, status: 'PENDING', previousStatus: null, reason: null }],
        [2, { userId, status: 'AWAITING_PAYMENT', previousStatus: 'PENDING', reason: null }],
        [3, { userId, status: 'PAID', previousStatus: 'AWAITING_PAYMENT', reason: null }],
        [4, { userId, status: 'SHIPPED', previousStatus: 'PAID', reason: null }],
        [5, { userId, status: 'DELIVERED', previousStatus: 'SHIPPED', reason: null }],
      ]);
      expect(new Set(rows.map((row) => row.payload.eventId)).size).toBe(rows.length);
    });
  });

  describe('over Kafka', () => {
    const log = createLogger('order-saga-test', 'silent');
    let kafka: ReturnType<typeof createKafka>;
    let collector: Consumer | undefined;
    beforeAll(() => {
      kafka = createKafka(service.config, log, 'order-saga-test');
    });
    afterAll(() => collector?.disconnect());

    it('consumes StockReserved from the product topic and publishes the change on the order topic', async () => {
      const order = await place();
      const published: KafkaMessage[] = [];
      collector = kafka.consumer({ groupId: `${service.config.kafkaNamespace}collector-${randomUUID()}` });
      await ensureTopics(kafka, [namespaced(service.config, TOPICS.order)], topicSettingsOf(service.config));
      await collector.connect();
      await collector.subscribe({ topic: namespaced(service.config, TOPICS.order), fromBeginning: true });
      await collector.run({ eachMessage: async ({ message }) => void published.push(message) });
      const producer = kafka.producer();
      await producer.connect();

      await producer.send({
        topic: namespaced(service.config, TOPICS.product),
        acks: -1,
        messages: [{ key: order.id, value: JSON.stringify(EVENTS.stockReserved(order.id)) }],
      });
      await producer.disconnect();

      await eventually(async () => (await stateOf(order.id)).status === 'AWAITING_PAYMENT', {
        timeoutMs: 30_000,
        message: 'the order to reach AWAITING_PAYMENT',
      });
      const statusEvents = await eventually(
        () => {
          const ours = published
            .filter((message) => message.key?.toString() === order.id)
            .map((message) => JSON.parse(message.value!.toString()) as IntegrationEvent)
            .filter((event) => event.type === 'OrderStatusChanged');
          return ours.length === 2 ? ours : undefined;
        },
        { timeoutMs: 30_000, message: 'both OrderStatusChanged events on the order topic' },
      );
      expect(
        statusEvents.map((event) => [event.version, (event.payload as { status: string }).status]),
      ).toEqual([
        [1, 'PENDING'],
        [2, 'AWAITING_PAYMENT'],
      ]);
    });
  });

  describe('cancelOrder', () => {
    const cancel = (id: string, token?: string) =>
      graphql<{ cancelOrder: { status: string } }>(service.url, CANCEL_ORDER, { id }, token);

    it.each<OrderStatus>(['PENDING', 'AWAITING_PAYMENT', 'PAID'])(
      'lets the owner cancel a %s order (CUSTOMER_REQUEST) and emits OrderCancelled',
      async (status) => {
        const userId = randomUUID();
        const order = await orderIn(status, userId);

        const result = await cancel(order.id, tokenFor(userId));

        expect(result.errors).toBeUndefined();
        expect(result.data?.cancelOrder).toMatchObject({
          id: order.id,
          status: 'CANCELLED',
          cancellationReason: 'CUSTOMER_REQUEST',
        });
        const rows = await outbox(order.id);
        const state = await stateOf(order.id);
        expect(rows.slice(-2).map((row) => [row.type, row.payload.version, row.payload.payload])).toEqual([
          ['OrderCancelled', state.version, { userId, reason: 'CUSTOMER_REQUEST', previousStatus: status }],
          [
            'OrderStatusChanged',
            state.version,
            { userId, status: 'CANCELLED', previousStatus: status, reason: 'CUSTOMER_REQUEST' },
          ],
        ]);
        expect(state.history.at(-1)).toBe('CANCELLED');
      },
    );

    it("records reason ADMIN when an administrator cancels someone else's order, CUSTOMER_REQUEST for their own", async () => {
      const admin = randomUUID();
      const foreign = await place();
      const own = await place(admin);

      const forOther = await cancel(foreign.id, tokenFor(admin, 'ADMIN'));
      const forSelf = await cancel(own.id, tokenFor(admin, 'ADMIN'));

      expect(forOther.data?.cancelOrder).toMatchObject({ status: 'CANCELLED', cancellationReason: 'ADMIN' });
      expect(forSelf.data?.cancelOrder).toMatchObject({
        status: 'CANCELLED',
        cancellationReason: 'CUSTOMER_REQUEST',
      });
      const [cancelled] = (await outbox(foreign.id)).filter((row) => row.type === 'OrderCancelled');
      expect(cancelled.payload.payload).toEqual({
        userId: foreign.userId,
        reason: 'ADMIN',
        previousStatus: 'PENDING',
      });
    });

    it.each<OrderStatus>(['SHIPPED', 'DELIVERED', 'CANCELLED'])(
      'refuses to cancel a %s order with ILLEGAL_TRANSITION, changing nothing',
      async (status) => {
        const userId = randomUUID();
        const order = await orderIn(status, userId);
        const before = await stateOf(order.id);

        const result = await cancel(order.id, tokenFor(userId));

        expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0].message).toBe(`The order cannot be cancelled: it is already ${status}`);
        expect(result.errors?.[0].extensions).toMatchObject({ reason: 'ILLEGAL_TRANSITION', status });
        expect(await stateOf(order.id)).toEqual(before);
      },
    );

    it('cancels once when the owner submits it several times at once; the rest are refused', async () => {
      const userId = randomUUID();
      const order = await orderIn('AWAITING_PAYMENT', userId);

      const results = await Promise.all(Array.from({ length: 5 }, () => cancel(order.id, tokenFor(userId))));

      expect(results.filter((result) => result.errors === undefined)).toHaveLength(1);
      for (const result of results.filter((outcome) => outcome.errors !== undefined)) {
        expect(result.errors?.[0].extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          reason: 'ILLEGAL_TRANSITION',
        });
      }
      const state = await stateOf(order.id);
      expect(state.events.filter((type) => type === 'OrderCancelled')).toHaveLength(1);
      expect(state.history).toEqual(['PENDING', 'AWAITING_PAYMENT', 'CANCELLED']);
    });

    it("refuses someone else's order (FORBIDDEN), an unknown one (NOT_FOUND), a malformed id and anonymous callers", async () => {
      const order = await place();
      const before = await stateOf(order.id);

      const foreign = await cancel(order.id, tokenFor(randomUUID()));
      const unknown = await cancel(randomUUID(), tokenFor(randomUUID()));
      const malformed = await cancel('not-an-id', tokenFor(randomUUID()));
      const anonymous = await cancel(order.id);

      expect(errorCodes(foreign)).toEqual(['FORBIDDEN']);
      expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
      expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
      expect(malformed.errors?.[0].extensions?.field).toBe('id');
      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
      expect(await stateOf(order.id)).toEqual(before);
    });
  });
});

const refusing = <T>(table: string, condition: string, action: () => Promise<T>): Promise<T> =>
  whileWritesRefused(service.orm, { table, condition }, action);

describe('outbox atomicity: an event commits with its change or not at all', () => {
  const cancel = (id: string, token: string) =>
    graphql<{ cancelOrder: { status: string } }>(service.url, CANCEL_ORDER, { id }, token);

  it('places no order when its OrderPlaced row cannot be written, and one order with one OrderPlaced otherwise', async () => {
    const userId = randomUUID();
    await expect(
      refusing('outbox', `new.payload->'payload'->>'userId' = '${userId}'`, () => place(userId)),
    ).rejects.toThrow(/test refuses this outbox row/);
    const ordersOf = () =>
      service.orm.em
        .getConnection()
        .execute<{ id: string }[]>('select id from orders where user_id = ?', [userId]);
    expect(await ordersOf()).toEqual([]);

    const order = await place(userId);

    expect((await ordersOf()).map((row) => row.id)).toEqual([order.id]);
    expect((await stateOf(order.id)).events).toEqual(['OrderPlaced', 'OrderStatusChanged']);
  });

  it('leaves the order as it was when OrderCancelled cannot be written', async () => {
    const userId = randomUUID();
    const order = await orderIn('AWAITING_PAYMENT', userId);
    const before = await stateOf(order.id);
    const refused = await refusing(
      'outbox',
      `new.message_key = '${order.id}' and new.type = 'OrderCancelled'`,
      () => cancel(order.id, tokenFor(userId)),
    );

    expect(errorCodes(refused)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await stateOf(order.id)).toEqual(before);

    const cancelled = await cancel(order.id, tokenFor(userId));
    expect(cancelled.errors).toBeUndefined();
    const after = await stateOf(order.id);
    expect(after).toMatchObject({ status: 'CANCELLED', version: before.version + 1 });
    expect(after.history).toEqual([...before.history, 'CANCELLED']);
    expect(after.events).toEqual([...before.events, 'OrderCancelled', 'OrderStatusChanged']);
  });

  it('writes no event when the status change itself fails, and the consumer may retry', async () => {
    const order = await place();
    const before = await stateOf(order.id);
    const event = EVENTS.stockReserved(order.id);
    await expect(
      refusing('order_status_changes', `new.order_id = '${order.id}'`, () => apply(event)),
    ).rejects.toThrow(/test refuses this order_status_changes row/);
    expect(await stateOf(order.id)).toEqual(before);

    await expect(apply(event)).resolves.toBe(true);
    expect(await stateOf(order.id)).toMatchObject({
      status: 'AWAITING_PAYMENT',
      events: ['OrderPlaced', 'OrderStatusChanged', 'OrderStatusChanged'],
    });
  });
});
